import { runCli } from '../../cli/cli';
import type { IsolatedDatabase } from './services';

/** What a CLI run printed, line by line, and the output object that collects it. */
export function captureOutput() {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    output: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) },
  };
}

/** The `--database` value naming an isolated test database. */
export const cliDatabaseUrl = (database: IsolatedDatabase): string =>
  database.options.type === 'better-sqlite3'
    ? `sqlite:${database.options.database}`
    : database.options.url;

/** `nestjs-telemetry receiver <command> --database <database> …args`, run in this process. */
export async function runReceiverCli(
  database: IsolatedDatabase,
  command: string,
  ...args: string[]
): Promise<{ code: number; out: string[]; err: string[] }> {
  const run = captureOutput();
  const code = await runCli(
    ['receiver', command, '--database', cliDatabaseUrl(database), ...args],
    run.output,
  );
  return { code, ...run.lines };
}

/**
 * Migrates the database and creates a project with the CLI, as an operator would before the
 * command under test; returns the project's id (from the printed `id:` line).
 */
export async function createProjectWithCli(
  database: IsolatedDatabase,
  name: string,
  domains = 'example.com',
): Promise<number> {
  const migrated = await runReceiverCli(database, 'migrate');
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.err.join('\n')}`);
  const created = await runReceiverCli(
    database,
    'create-project',
    '--name',
    name,
    '--domains',
    domains,
  );
  const id = created.out.map((line) => /^id:\s+(\d+)$/.exec(line)?.[1]).find(Boolean);
  if (created.code !== 0 || !id)
    throw new Error(`create-project failed: ${created.err.join('\n')}`);
  return Number(id);
}
