import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectEntity, RECEIVER_MIGRATIONS } from '../../receiver';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { runCli } from '../../cli/cli';
import { runReceiverMigrate } from '../../receiver/cli';
import { runCliProcess } from '../support/cli-process';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';
import { captureOutput, cliDatabaseUrl } from '../support/receiver-cli';

/** What the CLI prints as the database's location: the absolute file, or the URL. */
const locationOf = (database: IsolatedDatabase): string =>
  database.options.type === 'better-sqlite3'
    ? `SQLite ${database.options.database}`
    : `${database.options.type === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} ${new URL(database.options.url).toString()}`;

const ALL_MIGRATIONS = `Applied ${RECEIVER_MIGRATIONS.length} migration(s): ${RECEIVER_MIGRATIONS.map((m) => m.name).join(', ')}`;

describeEachEngine('receiver CLI commands', (engine) => {
  let database: IsolatedDatabase;

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
  });
  afterAll(() => database.drop());

  it('migrate says which database it acts on, applies the schema once, then reports it up to date', async () => {
    const first = captureOutput();
    expect(
      await runCli(['receiver', 'migrate', '--database', cliDatabaseUrl(database)], first.output),
    ).toBe(0);
    const newFile = engine === 'sqlite' ? ', new file' : '';
    expect(first.lines.out).toEqual([
      `Database: ${locationOf(database)} (from --database${newFile})`,
      ALL_MIGRATIONS,
    ]);
    const second = captureOutput();
    expect(
      await runCli(
        ['receiver', 'migrate', `--database=${cliDatabaseUrl(database)}`],
        second.output,
      ),
    ).toBe(0);
    expect(second.lines.out).toEqual([
      `Database: ${locationOf(database)} (from --database)`,
      'Receiver schema is up to date.',
    ]);
  });

  it('create-project stores a project through ProjectsService, with cleaned domains and its telemetry settings, and prints its keys', async () => {
    const run = captureOutput();
    const code = await runCli(
      [
        'receiver',
        'create-project',
        '--name',
        'CLI shop',
        '--domains',
        'https://Shop.io/,b.io',
        '--token-policy',
        'approval',
        '--signing-secret',
        'a-signing-secret-of-32-characters',
        '--database',
        cliDatabaseUrl(database),
      ],
      run.output,
    );
    expect(run.lines.err).toEqual([]);
    expect(code).toBe(0);
    expect(run.lines.out.slice(0, 2)).toEqual([
      `Database: ${locationOf(database)} (from --database)`,
      'Project created. Store the secret key safely: it is not shown again.',
    ]);
    expect(run.lines.out).toContain('allowed_domains: shop.io, b.io');
    expect(run.lines.out).toContain('token_policy:    approval');
    const secret = run.lines.out.find((l) => l.startsWith('secret_key:'))?.split(/\s+/)[1];
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const dataSource = await createReceiverDataSource(database.options);
    try {
      const project = await dataSource
        .getRepository(ProjectEntity)
        .findOneByOrFail({ secret_key: secret });
      expect(project).toMatchObject({
        name: 'CLI shop',
        allowed_domains: 'shop.io,b.io',
        is_active: true,
        token_policy: 'approval',
        signing_secret: 'a-signing-secret-of-32-characters',
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it("create-project fails with exit code 1 and the API's reason on bad input", async () => {
    const bad = captureOutput();
    const code = await runCli(
      [
        'receiver',
        'create-project',
        '--name',
        'x',
        '--domains',
        ' , ',
        '--database',
        cliDatabaseUrl(database),
      ],
      bad.output,
    );
    expect(code).toBe(1);
    expect(bad.lines.err).toEqual(['Error: No valid domains provided']);
    const policy = captureOutput();
    expect(
      await runCli(
        [
          'receiver',
          'create-project',
          '--name=x',
          '--domains=a.io',
          '--token-policy=sometimes',
          `--database=${cliDatabaseUrl(database)}`,
        ],
        policy.output,
      ),
    ).toBe(1);
    expect(policy.lines.err).toEqual(["Error: token_policy must be 'auto' or 'approval'"]);
  });
});

describe('receiver CLI: which database, and never a new one by accident', () => {
  let cwd: string;
  // No RECEIVER_DATABASE_URL from the developer's shell: the default file is what is tested.
  const env = { RECEIVER_DATABASE_URL: undefined };
  const defaultFile = () => join(cwd, 'data', 'receiver.sqlite');

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'receiver-cli-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('refuses to create the default SQLite file without --database, saying how; --create creates it', async () => {
    for (const args of [
      ['receiver', 'migrate'],
      ['receiver', 'create-project', '--name', 'Shop', '--domains', 'shop.io'],
    ]) {
      const refused = await runCliProcess(args, env, cwd);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.trim()).toBe(
        'Error: No database given (neither --database nor RECEIVER_DATABASE_URL), and the ' +
          `default SQLite file ${defaultFile()} does not exist. Pass --database <url> ` +
          '(sqlite:<file>, postgres://…, mysql://…) or set RECEIVER_DATABASE_URL to use the ' +
          "receiver's database, or add --create to create a new SQLite database at " +
          `${defaultFile()}.`,
      );
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    }

    const created = await runCliProcess(['receiver', 'migrate', '--create'], env, cwd);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout.split('\n').slice(0, 2)).toEqual([
      `Database: SQLite ${defaultFile()} (default file, new file)`,
      ALL_MIGRATIONS,
    ]);
    expect(existsSync(defaultFile())).toBe(true);

    // Once it exists, the default file is simply used.
    const project = await runCliProcess(
      ['receiver', 'create-project', '--name', 'Shop', '--domains', 'shop.io'],
      env,
      cwd,
    );
    expect(project.code).toBe(0);
    expect(project.stdout).toContain(`Database: SQLite ${defaultFile()} (default file)\n`);
    expect(project.stdout).toContain('Project created.');
  }, 120_000);

  it('names RECEIVER_DATABASE_URL as the source when it chose the database', async () => {
    const file = join(cwd, 'from-env.sqlite');
    const run = await runCliProcess(
      ['receiver', 'migrate'],
      { RECEIVER_DATABASE_URL: `sqlite:${file}` },
      cwd,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Database: SQLite ${file} (from RECEIVER_DATABASE_URL, new file)`);
  }, 120_000);

  it('checks the input before touching any database', async () => {
    const run = await runCliProcess(
      ['receiver', 'create-project', '--name', 'Shop', '--domains', ' , ', '--create'],
      env,
      cwd,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('Error: No valid domains provided');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  }, 120_000);

  it('masks the password of a database URL and prints the driver failure as one line', async () => {
    const output = captureOutput();
    const code = await runCli(
      ['receiver', 'migrate', '--database', 'postgres://telemetry:hunter2@127.0.0.1:1/receiver'],
      output.output,
    );
    expect(code).toBe(1);
    expect(output.lines.out).toEqual([
      'Database: PostgreSQL postgres://telemetry:***@127.0.0.1:1/receiver (from --database)',
    ]);
    expect(output.lines.err).toEqual([expect.stringMatching(/^Error: .*ECONNREFUSED/)]);
    expect([...output.lines.out, ...output.lines.err].join('\n')).not.toContain('hunter2');
  });

  it('reads the environment it is given with the strict reader, as the module does', async () => {
    const file = join(cwd, 'strict.sqlite');
    // Trimmed like every other variable (a stray space from a .env file is not a new scheme).
    const trimmed = captureOutput();
    expect(
      await runReceiverMigrate({ create: true }, trimmed.output, {
        RECEIVER_DATABASE_URL: ` sqlite:${file} `,
      }),
    ).toBe(0);
    expect(trimmed.lines.out[0]).toBe(
      `Database: SQLite ${file} (from RECEIVER_DATABASE_URL, new file)`,
    );
    // The receiver's other options come from the same environment: a typo refuses, naming it.
    const typo = captureOutput();
    expect(
      await runReceiverMigrate({ database: `sqlite:${file}` }, typo.output, {
        RECEIVER_PRODUCTION: 'ture',
      }),
    ).toBe(1);
    expect(typo.lines.err).toEqual([
      expect.stringMatching(
        /^Error: Invalid receiver option "production" \(env RECEIVER_PRODUCTION\)/,
      ),
    ]);
  });

  it('asks for the required options of create-project by name', async () => {
    const missing = captureOutput();
    expect(await runCli(['receiver', 'create-project', '--name', 'x'], missing.output)).toBe(1);
    expect(missing.lines.err).toEqual([
      'The --domains <a.com,b.com> option is required by "receiver create-project" (domains ' +
        'allowed to send pageviews with the public key).',
    ]);
  });
});
