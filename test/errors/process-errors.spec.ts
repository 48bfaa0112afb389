import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorGroupEntity } from '../../receiver/storage/entities';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { createProject, dataSourceOf, type TestProject } from '../tracking/tracking-fixtures';

const root = resolve(__dirname, '../..');

function runCrash(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'test/errors/fixtures/crash.main.ts', ...args],
      { cwd: root, env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' } },
    );
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      done({ code, stdout, stderr });
    });
  });
}

describe('captureProcessErrors: a crashing process reports its crash and still exits as Node would', () => {
  let db: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let dir: string;

  beforeAll(async () => {
    db = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({ adapter: 'fastify', database: db.options });
    project = await createProject(receiver.app);
    dir = mkdtempSync(join(tmpdir(), 'capture-crash-'));
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['exception', 'Error', 'worker crashed'],
    ['rejection', 'RangeError', 'queue offset out of range'],
  ])(
    'an uncaught %s: printed, exit code 1, and a critical error group in the receiver',
    async (mode, type, message) => {
      const run = await runCrash([
        mode,
        receiver.url,
        project.secretKey,
        join(dir, `${mode}`, 'outbox.json'),
      ]);
      expect(run.stdout).toBe('ready\n');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      const groups = await dataSourceOf(receiver.app)
        .getRepository(ErrorGroupEntity)
        .find({ where: { project_id: project.id, message } });
      expect(groups).toEqual([
        expect.objectContaining({
          error_type: type,
          severity: 'critical',
          environment: 'staging',
          file: join('test', 'errors', 'fixtures', 'crash.main.ts'),
        }),
      ]);
    },
  );
});
