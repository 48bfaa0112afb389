import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A first-come-first-served async mutex that knows who holds it: work started inside
 * {@link run} (and everything it awaits) holds the lock, so a nested `run` joins the holder
 * instead of deadlocking, while work from any other request waits its turn.
 */
export class AsyncWriteLock {
  private readonly context = new AsyncLocalStorage<symbol>();
  private tail: Promise<void> = Promise.resolve();
  private holder: symbol | undefined;
  private waiting = 0;

  /** Whether the calling async context is the one holding the lock. */
  heldByCaller(): boolean {
    const token = this.context.getStore();
    return token !== undefined && token === this.holder;
  }

  /** Callers waiting for the lock (shown by health while a writer is stuck). */
  get queued(): number {
    return this.waiting;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.heldByCaller()) return work();
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    this.waiting++;
    try {
      await previous;
    } finally {
      this.waiting--;
    }
    const token = Symbol('writer');
    this.holder = token;
    try {
      return await this.context.run(token, work);
    } finally {
      this.holder = undefined;
      // An enabled AsyncLocalStorage keeps Node's promise hooks on for the whole process (Node 20
      // and 22): every promise of every request then pays for them, long after the last write.
      // Once nobody holds or awaits the lock no token can match, so the storage is switched off
      // until the next `run` switches it on again.
      if (this.waiting === 0) this.context.disable();
      release();
    }
  }
}
