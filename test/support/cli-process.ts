import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = resolve(__dirname, '../..');

/** Runs the real `nestjs-telemetry` CLI (`cli/main.ts` through @swc-node/register) as a process. */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<CliProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
