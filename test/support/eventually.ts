/**
 * Polls `read` every 100 ms until `done` accepts its value or `timeoutMs` passed, and returns the
 * last value read (the caller's assertion then says what was wrong). For work a test cannot await,
 * such as a client sending in the background.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Waits until `check` answers `true`, polling every 100 ms (a check that throws is not done yet:
 * a service still starting, a database still away); throws after `timeoutMs`, naming `what`.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`${what}: not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
