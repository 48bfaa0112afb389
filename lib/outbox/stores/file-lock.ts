import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelemetryMessages } from '../../telemetry.messages';
import { currentProcess, isProcessAlive, type ProcessIdentity } from './process-liveness';

/**
 * A holder on another host cannot be checked by pid: it touches the lock file this often while it
 * holds it, and a lock left untouched for {@link LEASE_MS} is taken over.
 */
const REFRESH_MS = 2_000;
const LEASE_MS = 15_000;
/** An empty lock file is one written by 0.x (or a foreign tool): it keeps 0.x's 10 s rule. */
const FOREIGN_STALE_MS = 10_000;
const GIVE_UP_AFTER_MS = 60_000;

interface LockContent extends ProcessIdentity {
  token: string;
}

/**
 * The inter-process lock of one file store: `<path>.lock`, whose content names its holder. A
 * holder that still runs is waited for however slow it is; one that is gone (its pid is dead on
 * this machine, or on another machine it stopped refreshing its lease) is taken over at once.
 *
 * The lock appears atomically with its content: each instance writes its identity once to a file of
 * its own and hard-links it as `<path>.lock`, so taking and freeing the lock cost one link and one
 * unlink, and no reader ever sees a lock without its holder.
 */
export class FileLock {
  readonly lockPath: string;
  private readonly mine: string;
  private readonly content: LockContent;
  private prepared?: Promise<void>;
  private mineIno?: number;

  constructor(path: string) {
    this.lockPath = `${path}.lock`;
    this.content = { ...currentProcess(), token: randomBytes(6).toString('hex') };
    this.mine = `${this.lockPath}.${process.pid}.${this.content.token}.tmp`;
  }

  /** Runs `work` while holding the lock. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    const refresh = setInterval(() => {
      const now = new Date();
      void utimes(this.lockPath, now, now).catch(() => undefined);
    }, REFRESH_MS);
    refresh.unref();
    try {
      return await work();
    } finally {
      clearInterval(refresh);
      this.release();
    }
  }

  /** Removes this instance's identity file (the lock itself is never left held). */
  async close(): Promise<void> {
    identityFiles.delete(this.mine);
    await unlink(this.mine).catch(() => undefined);
    this.prepared = undefined;
  }

  private async acquire(): Promise<void> {
    this.prepared ??= this.prepare();
    await this.prepared;
    const started = Date.now();
    let wait = 1;
    for (;;) {
      try {
        // Taking and freeing the lock are single metadata calls of a few microseconds, cheaper
        // inline than a thread-pool round trip each (an append pays two of them).
        linkSync(this.mine, this.lockPath);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          // Our identity file was removed (a cleanup by mistake, or close()): write it again.
          this.prepared = undefined;
          return this.acquire();
        }
        if (code !== 'EEXIST') throw error;
      }
      const holder = await this.inspect();
      if (holder.gone) {
        await this.takeOver(holder.raw);
        continue;
      }
      if (Date.now() - started > GIVE_UP_AFTER_MS) {
        throw new Error(TelemetryMessages.fileLockHeld(this.lockPath, GIVE_UP_AFTER_MS / 1000));
      }
      await sleep(wait);
      wait = Math.min(50, wait * 2);
    }
  }

  private async prepare(): Promise<void> {
    await writeFile(this.mine, JSON.stringify(this.content));
    this.mineIno = (await stat(this.mine)).ino;
    rememberIdentityFile(this.mine);
  }

  private release(): void {
    // Free only our own lock: if a lease expired and another process took over, its lock stays.
    try {
      if (lstatSync(this.lockPath).ino === this.mineIno) unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  /** Reads the current lock and decides whether its holder is gone. */
  private async inspect(): Promise<{ gone: boolean; raw?: string }> {
    const [raw, info] = await Promise.all([
      readFile(this.lockPath, 'utf8').catch(() => undefined),
      stat(this.lockPath).catch(() => undefined),
    ]);
    if (raw === undefined || !info) return { gone: false }; // freed meanwhile: just retry
    const age = Date.now() - info.mtimeMs;
    const holder = parseContent(raw);
    if (!holder) return { gone: age > FOREIGN_STALE_MS, raw };
    const alive = isProcessAlive(holder);
    return { gone: alive === undefined ? age > LEASE_MS : !alive, raw };
  }

  /**
   * Removes a dead holder's lock. It is first renamed to a name of our own and checked, so when two
   * processes find the same dead lock, neither removes a lock the other has just taken.
   */
  private async takeOver(judged: string | undefined): Promise<void> {
    const aside = `${this.lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale.tmp`;
    try {
      await rename(this.lockPath, aside);
    } catch {
      return; // someone else moved it first
    }
    const moved = await readFile(aside, 'utf8').catch(() => undefined);
    if (moved !== judged) {
      // A live lock taken in between: put it back (link never replaces an existing lock).
      await link(aside, this.lockPath).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
}

/** Identity files of this process, removed when it exits (a crash leaves them to the next start). */
const identityFiles = new Set<string>();
let exitHookInstalled = false;

function rememberIdentityFile(file: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const name of identityFiles) {
        try {
          unlinkSync(name);
        } catch {
          // already gone
        }
      }
    });
  }
  identityFiles.add(file);
}

function parseContent(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent>;
    return typeof value.pid === 'number' && typeof value.host === 'string'
      ? (value as LockContent)
      : undefined;
  } catch {
    return undefined;
  }
}
