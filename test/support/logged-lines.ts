import { Logger } from '@nestjs/common';

/**
 * Watches what Nest's loggers print (they still print): how many lines of a level match a
 * pattern. Fault tests use it to check the rule "one log line when an outage starts, one when it
 * ends".
 */
export function watchLoggedLines() {
  const spies = {
    log: jest.spyOn(Logger.prototype, 'log'),
    warn: jest.spyOn(Logger.prototype, 'warn'),
    error: jest.spyOn(Logger.prototype, 'error'),
  };
  return {
    /** Lines logged at `level` so far (whose message matches `pattern`, when given). */
    count(level: keyof typeof spies, pattern?: RegExp): number {
      return spies[level].mock.calls.filter(
        ([message]) => !pattern || pattern.test(String(message)),
      ).length;
    },
    /** Forgets the lines logged so far. */
    clear(): void {
      Object.values(spies).forEach((spy) => spy.mockClear());
    },
    /** Stops watching. */
    restore(): void {
      Object.values(spies).forEach((spy) => spy.mockRestore());
    },
  };
}
