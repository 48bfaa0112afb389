import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = resolve(__dirname, '../..');

/**
 * Runs the real `nestjs-telemetry` CLI (`cli/main.ts` through @swc-node/register) as a process,
 * from the repository root or from `cwd`. `env` values of `undefined` remove the variable.
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string = root,
): Promise<CliProcessRun> {
  return new Promise((done, fail) => {
    const main = resolve(root, 'cli/main.ts');
    const register = require.resolve('@swc-node/register');
    const merged: NodeJS.ProcessEnv = {
      ...process.env,
      SWC_NODE_PROJECT: resolve(root, 'tsconfig.json'),
      ...env,
    };
    for (const [name, value] of Object.entries(merged))
      if (value === undefined) delete merged[name];
    const child = spawn(process.execPath, ['-r', register, main, ...args], { cwd, env: merged });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
