import { ProjectEntity, RECEIVER_MIGRATIONS } from '../../receiver';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { runCli } from '../../cli/cli';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

const capture = () => {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    output: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) },
  };
};

const urlOf = (database: IsolatedDatabase): string =>
  database.options.type === 'better-sqlite3'
    ? `sqlite:${database.options.database}`
    : database.options.url;

describeEachEngine('receiver CLI commands', (engine) => {
  let database: IsolatedDatabase;

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
  });
  afterAll(() => database.drop());

  it('migrate applies the schema once, then reports it up to date', async () => {
    const first = capture();
    expect(await runCli(['receiver', 'migrate', '--database', urlOf(database)], first.output)).toBe(
      0,
    );
    expect(first.lines.out).toEqual([
      `Applied ${RECEIVER_MIGRATIONS.length} migration(s): ${RECEIVER_MIGRATIONS.map((m) => m.name).join(', ')}`,
    ]);
    const second = capture();
    expect(
      await runCli(['receiver', 'migrate', `--database=${urlOf(database)}`], second.output),
    ).toBe(0);
    expect(second.lines.out).toEqual(['Receiver schema is up to date.']);
  });

  it('create-project stores a project with cleaned domains and prints its keys', async () => {
    const run = capture();
    const code = await runCli(
      [
        'receiver',
        'create-project',
        '--name',
        'CLI shop',
        '--domains',
        'https://Shop.io/,b.io',
        '--database',
        urlOf(database),
      ],
      run.output,
    );
    expect(code).toBe(0);
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
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('create-project fails with exit code 1 and the reason on bad input', async () => {
    const missing = capture();
    expect(await runCli(['receiver', 'create-project', '--name', 'x'], missing.output)).toBe(1);
    expect(missing.lines.err[0]).toMatch(/^Usage: nestjs-telemetry receiver create-project/);
    const bad = capture();
    const code = await runCli(
      [
        'receiver',
        'create-project',
        '--name',
        'x',
        '--domains',
        ' , ',
        '--database',
        urlOf(database),
      ],
      bad.output,
    );
    expect(code).toBe(1);
    expect(bad.lines.err).toEqual(['Error: No valid domains provided']);
  });
});
