import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TelemetryMessages } from '../../telemetry.messages';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock file older than this belongs to a crashed process and is taken over. */
const STALE_AFTER_MS = 10_000;
const RETRY_MS = 5;
const GIVE_UP_AFTER_MS = 20_000;

/**
 * Runs `work` while holding `<path>.lock`, created exclusively, so the application and a CLI run
 * never interleave their read-modify-write cycles on the same outbox file.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const started = Date.now();
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_AFTER_MS) await rm(lockPath, { force: true });
      else if (Date.now() - started > GIVE_UP_AFTER_MS) {
        throw new Error(TelemetryMessages.fileLockHeld(lockPath, GIVE_UP_AFTER_MS / 1000));
      } else await sleep(RETRY_MS);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
