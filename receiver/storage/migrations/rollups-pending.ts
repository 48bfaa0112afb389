import type { QueryRunner } from 'typeorm';

/**
 * Puts built (or half-built) rollups back to `pending` when any of `tables` holds a row: a
 * migration that changes what the rollups store leaves them to `receiver rebuild-rollups`, and
 * analytics answer from the raw rows until then. An empty database keeps its state.
 */
export async function markRollupsPendingIfAny(
  runner: QueryRunner,
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) {
    const [{ n }] = await runner.query(
      `SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM ${table} LIMIT 1) t`,
    );
    if (Number(n) === 0) continue;
    await runner.query(
      `UPDATE analytics_rollup_state SET status = 'pending', built_through = NULL ` +
        `WHERE name = 'rollups' AND status IN ('ready', 'building')`,
    );
    return;
  }
}
