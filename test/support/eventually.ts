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
