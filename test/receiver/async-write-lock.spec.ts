import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncWriteLock } from '../../receiver/storage/sqlite/async-write.lock';

/**
 * Async-context bookkeeping a new promise carries while an AsyncLocalStorage is enabled (Node 20
 * and 22 tag every promise through their promise hooks; with AsyncContextFrame, Node 24's
 * default, there are none either way).
 */
const promiseTags = (): number =>
  Object.getOwnPropertySymbols(new Promise<void>(() => undefined)).length;

/**
 * The SQLite write lock: one writer at a time, nested work joining its holder, and no async
 * context tracking left running for every request once nobody writes.
 */
describe('AsyncWriteLock', () => {
  it('lets work nested in the holder join it, also once the lock was idle and taken again', async () => {
    const lock = new AsyncWriteLock();
    for (let round = 0; round < 2; round++) {
      const seen: boolean[] = [];
      await lock.run(async () => {
        seen.push(lock.heldByCaller());
        await lock.run(async () => {
          await sleep(1);
          seen.push(lock.heldByCaller());
        });
      });
      expect(seen).toEqual([true, true]);
      expect(lock.heldByCaller()).toBe(false);
    }
  });

  it('serves waiting writers in turn, each one holding the lock alone', async () => {
    const lock = new AsyncWriteLock();
    const order: string[] = [];
    const writer = (name: string, pause: number) =>
      lock.run(async () => {
        order.push(`${name} in ${lock.heldByCaller()}`);
        await sleep(pause);
        order.push(`${name} out`);
      });
    await Promise.all([writer('a', 15), writer('b', 5), writer('c', 1)]);
    expect(order).toEqual(['a in true', 'a out', 'b in true', 'b out', 'c in true', 'c out']);
    expect(lock.queued).toBe(0);
  });

  it('tracks async context only while the lock is held or awaited', async () => {
    const lock = new AsyncWriteLock();
    const before = promiseTags();
    let inside = 0;
    const first = lock.run(async () => {
      await sleep(5);
      inside = promiseTags();
    });
    const second = lock.run(async () => undefined);
    await Promise.all([first, second]);
    const after = promiseTags();
    if (Number(process.versions.node.split('.')[0]) < 24) expect(inside).toBeGreaterThan(before);
    expect(after).toBe(before);
  });
});
