import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

describe('telemetry timers and the host process', () => {
  it('a script that never closes its application still exits: no telemetry timer keeps it alive', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (done, fail) => {
        const child = spawn(
          process.execPath,
          ['-r', '@swc-node/register', 'test/client/fixtures/unclosed-context.main.ts'],
          { cwd: root, env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' } },
        );
        let stdout = '';
        let stderr = '';
        // A process held alive by a timer never ends by itself: stop it and fail on its exit code.
        const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', fail);
        child.on('close', (code) => {
          clearTimeout(killer);
          done({ code, stdout, stderr });
        });
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The collector, report and flags timers were all mounted before the script's end.
    expect(JSON.parse(run.stdout.trim())).toEqual(
      expect.arrayContaining([
        'telemetry:collect:queue_depth',
        'telemetry:report',
        'telemetry:flags-poll',
      ]),
    );
  }, 90_000);
});
