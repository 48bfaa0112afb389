/**
 * Private Redis, PostgreSQL and MariaDB servers for fault tests: each on its own port and data directory,
 * so a suite may freeze (SIGSTOP), kill and restart them. The shared services on the standard
 * ports are never touched.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { waitUntil } from './eventually';

const until = (check: () => Promise<boolean>, what: string, ms = 20_000) =>
  waitUntil(check, ms, what);

/** A private redis-server with AOF `appendfsync always` (a restart keeps every stored entry). */
export interface PrivateRedis {
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  /** Thaws a frozen server (SIGCONT). */
  thaw(): void;
  /** SIGKILL: connections are refused until {@link start}. */
  kill(): Promise<void>;
  /** Starts (again) on the same port and directory, and waits until it answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'private-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (!child || !alive()) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'],
      { stdio: 'ignore' },
    );
    child.once('error', () => undefined);
    await until(async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, 'private redis-server');
  };
  await start();
  return {
    url,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    kill,
    start,
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL cluster (user `postgres`, trust auth) with one database `test`. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/test`. */
  url: string;
  /** PID of the postmaster (children follow SIGSTOP through {@link freeze}). */
  pid(): number;
  /** Freezes the server and every backend (SIGSTOP): sockets open, nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Fast shutdown: connections are refused until {@link start}. */
  stop(): void;
  start(): Promise<void>;
  close(): void;
}

/** Whether this machine can run a private PostgreSQL (the Debian server package is installed). */
export const canRunPrivatePostgres = (): boolean => existsSync(join(PG_BIN, 'initdb'));

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root: the cluster belongs to the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres', dir]);
  }
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], {
          stdio: 'ignore',
        })
      : execFileSync(join(PG_BIN, bin), args, { stdio: 'ignore' });
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB`;
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  await start();
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'test']);
  const pid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const signalAll = (signal: 'STOP' | 'CONT') => {
    // The postmaster and every backend: a frozen server whose backends still answered would not
    // be frozen.
    const postmaster = pid();
    const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8');
    for (const child of children.split(' ').filter(Boolean)) {
      try {
        process.kill(Number(child), `SIG${signal}`);
      } catch {
        // ended meanwhile
      }
    }
    process.kill(postmaster, `SIG${signal}`);
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    pid,
    freeze: () => signalAll('STOP'),
    thaw: () => signalAll('CONT'),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    close: () => {
      try {
        if (existsSync(join(data, 'postmaster.pid'))) {
          try {
            signalAll('CONT');
          } catch {
            // not frozen
          }
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A private MariaDB server (user `root`, no password) with one database `test`. */
export interface PrivateMariaDb {
  /** `mysql://root@127.0.0.1:<port>/test`. */
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
  /** SIGKILL: connections are refused until {@link start}. */
  kill(): Promise<void>;
  /** Starts (again) on the same port and data directory, and waits until it answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Whether this machine can run a private MariaDB (the Debian server package is installed). */
export const canRunPrivateMariaDb = (): boolean =>
  existsSync('/usr/sbin/mariadbd') && existsSync('/usr/bin/mariadb-install-db');

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'private-mariadb-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // mariadbd refuses to run as root unless told to; the data directory is then root's too.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...asRoot,
    ],
    { stdio: 'ignore' },
  );
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (!child || !alive()) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  };
  const ask = async (sql: string) => {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      connectTimeout: 1_000,
    });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  const start = async () => {
    child = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${join(dir, 'mariadb.sock')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        // Written at each commit (a SIGKILL keeps acknowledged rows), flushed to disk once a second.
        '--innodb-flush-log-at-trx-commit=2',
        ...asRoot,
      ],
      { stdio: 'ignore' },
    );
    child.once('error', () => undefined);
    await until(async () => (await ask('SELECT 1'), true), 'private mariadbd', 60_000);
  };
  await start();
  await ask('CREATE DATABASE test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
  return {
    url: `mysql://root@127.0.0.1:${port}/test`,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    kill,
    start,
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
