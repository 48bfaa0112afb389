import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What a started receiver process printed. */
export interface ReceiverProcessInfo {
  url: string;
  projectId: number;
  publicKey: string;
  secretKey: string;
}

export interface ReceiverProcess {
  child: ChildProcess;
  info: ReceiverProcessInfo;
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | string | null>;
  /** Everything the process printed after its JSON line (Nest writes warnings to stdout). */
  output(): string;
  /** Sends `signal` unless the process has ended already, then waits for it to end. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

const SCRIPT = join(__dirname, 'receiver-process.ts');

/**
 * Starts `receiver-process.ts` on a SQLite file (or a database URL) and waits until it listens;
 * `env` adds `RECEIVER_*` settings, `nodeFlags` flags of Node itself (a benchmark's
 * `--cpu-prof`).
 */
export function startReceiverProcess(
  file: string,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '-r', '@swc-node/register', SCRIPT, file], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  let printed = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.on('line', (next) => (printed += `${next}\n`));
      try {
        const info = JSON.parse(line) as ReceiverProcessInfo;
        const stop = async (signal: NodeJS.Signals): Promise<void> => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        };
        resolve({ child, info, exited, output: () => printed + stderr, stop });
      } catch (error) {
        reject(error);
      }
    });
    void exited.then((code) => reject(new Error(`receiver process exited (${code}): ${stderr}`)));
  });
}
