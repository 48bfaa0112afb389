/**
 * `npm run bench -- import`: `receiver import-micrologs` speed. Builds a Micrologs v2 database in
 * MariaDB (TEST_MARIADB_URL, required) with the test suite's generator — `IMPORT_BENCH_VISITORS`
 * visitors per project (default 10 000: about 200 000 rows, 140 000 of them pageviews) — then
 * imports it with the real CLI into SQLite, and into PostgreSQL (TEST_POSTGRES_URL) and MariaDB
 * when given, printing each run's copy time, rows/s and rollup time. Everything is dropped after.
 */
import { runCliProcess } from '../test/support/cli-process';
import { createIsolatedDatabase, type EngineName } from '../test/support/services';
import { generateMicrologsData } from '../test/import/micrologs-fixture';
import { createMicrologsSource } from '../test/import/micrologs-source-db';

async function main(): Promise<void> {
  const mariadb = process.env.TEST_MARIADB_URL;
  if (!mariadb) throw new Error('TEST_MARIADB_URL is required (the Micrologs source lives there)');
  const visitors = Number(process.env.IMPORT_BENCH_VISITORS ?? 10_000);
  const data = generateMicrologsData(visitors);
  const rows = Object.values(data.tables).reduce((sum, table) => sum + table.length, 0);
  console.log(`Micrologs source: ${rows} rows (${data.tables.pageviews.length} pageviews)`);
  const source = await createMicrologsSource(mariadb, data.tables);
  const engines: EngineName[] = ['sqlite'];
  if (process.env.TEST_POSTGRES_URL) engines.push('postgres');
  engines.push('mariadb');
  try {
    for (const engine of engines) {
      const target = await createIsolatedDatabase(engine);
      const database =
        target.options.type === 'better-sqlite3'
          ? `sqlite:${target.options.database}`
          : target.options.url;
      try {
        const run = await runCliProcess(
          ['receiver', 'import-micrologs', '--from', source.url, '--database', database],
          { RECEIVER_TIMEZONE: 'Europe/Paris', RECEIVER_DATABASE_URL: undefined },
        );
        if (run.code !== 0) throw new Error(run.stderr || run.stdout);
        const copy = /Imported .* in ([\d.]+) s \((\d+) rows\/s\)/.exec(run.stdout);
        const rollups = /Rollups .* in ([\d.]+) s/.exec(run.stdout);
        console.log(
          `${engine.padEnd(9)} copy ${copy?.[1]} s  ${copy?.[2]} rows/s  rollups ${rollups?.[1]} s`,
        );
      } finally {
        await target.drop();
      }
    }
  } finally {
    await source.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
