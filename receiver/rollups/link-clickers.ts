import type { SqlParams } from '../storage/sql/sql-params';
import type { SqlRunner } from '../storage/sql/sql-runner';
import { int, text } from '../storage/sql/sql-values';

/**
 * The clickers of each link: one row id per link and IP hash (clicks store no visitor, only the
 * salted hash of their address), so a link-day's set of unique clickers is a member list of small
 * integers (see member-list.ts), not of 64-character hashes. Hashes are matched by the engine
 * itself (the unique key, the joins), exactly as its `COUNT(DISTINCT ip_hash)` compares them.
 * Ids are never reassigned while their link keeps a click of the hash, so the ingest and
 * `rebuild-rollups` write the same bytes; they go with their link, with an erased address and
 * with the last click the retention purge removes.
 */
export const LINK_CLICKERS = 'link_clickers';

/** Ids per `IN (…)` list: far under every engine's bound-parameter limit. */
const IDS_PER_STATEMENT = 500;

/** Gives every (link, IP hash) of the clicks matching `where` (on `link_clicks c`) an id. */
export async function enrolClickers(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
): Promise<void> {
  // Only the pairs without an id are inserted: PostgreSQL and InnoDB would spend a sequence
  // value on every skipped duplicate, and ids stay dense (the reads stamp a span of them).
  await sql.run((p) =>
    sql.dialect.insertIgnoreSelect(
      LINK_CLICKERS,
      'link_id, ip_hash',
      `SELECT DISTINCT c.link_id, c.ip_hash FROM link_clicks c WHERE ${where(p)} AND NOT EXISTS ` +
        `(SELECT 1 FROM ${LINK_CLICKERS} k WHERE k.link_id = c.link_id AND k.ip_hash = c.ip_hash) ` +
        `ORDER BY c.link_id, c.ip_hash`,
    ),
  );
}

/** The clicker id of stored clicks by their `event_id` (enrolled first: the ingest). */
export async function clickerIdsByEvent(
  sql: SqlRunner,
  eventIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < eventIds.length; i += IDS_PER_STATEMENT) {
    const chunk = eventIds.slice(i, i + IDS_PER_STATEMENT);
    const inChunk = (p: SqlParams) => `c.event_id IN (${p.list(chunk)})`;
    await enrolClickers(sql, inChunk);
    const rows = await sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT c.event_id, k.id FROM link_clicks c JOIN ${LINK_CLICKERS} k ` +
        `ON k.link_id = c.link_id AND k.ip_hash = c.ip_hash WHERE ${inChunk(p)}`,
    );
    for (const row of rows) ids.set(text(row.event_id), int(row.id));
  }
  return ids;
}

/** Forgets an address in a project's links (an erasure, once its clicks left the rollups). */
export async function forgetClicker(
  sql: SqlRunner,
  projectId: number,
  ipHash: string,
): Promise<void> {
  await sql.run(
    (p) =>
      `DELETE FROM ${LINK_CLICKERS} WHERE ip_hash = ${p.add(ipHash)} ` +
      `AND link_id IN (SELECT id FROM tracked_links WHERE project_id = ${p.add(projectId)})`,
  );
}

/** Forgets a deleted link's clickers. */
export async function forgetLinkClickers(sql: SqlRunner, linkId: number): Promise<void> {
  await sql.run((p) => `DELETE FROM ${LINK_CLICKERS} WHERE link_id = ${p.add(linkId)}`);
}

/**
 * Forgets the clickers of a project no stored click names any more (after the retention purge).
 * One pass over the project's clicks, joined as a set: a lookup per clicker would walk its
 * link's clicks each time (no index leads with the hash).
 */
export async function forgetUnclicked(sql: SqlRunner, projectId: number): Promise<void> {
  const rows = await sql.rows<Record<string, unknown>>(
    (p) =>
      `SELECT k.id FROM ${LINK_CLICKERS} k JOIN tracked_links l ON l.id = k.link_id ` +
      `LEFT JOIN (SELECT DISTINCT link_id, ip_hash FROM link_clicks ` +
      `WHERE project_id = ${p.add(projectId)}) c ON c.link_id = k.link_id AND c.ip_hash = k.ip_hash ` +
      `WHERE l.project_id = ${p.add(projectId)} AND c.link_id IS NULL`,
  );
  const ids = rows.map((row) => int(row.id));
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
    await sql.run((p) => `DELETE FROM ${LINK_CLICKERS} WHERE id IN (${p.list(chunk)})`);
  }
}
