import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Starts `nestjs-telemetry receiver worker --concurrency 2` with `env` (`RECEIVER_*`). */
export function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      join(root, 'cli/main.ts'),
      'receiver',
      'worker',
      '--concurrency',
      '2',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
        NODE_ENV: 'production',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** CPU time (user + system) a process has used so far, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
