import { backoffDelay, isRetryable, MAX_BACKOFF_MS } from '../../lib/reporting/telemetry-backoff';
import { parseRetryAfter } from '../../lib/transport/telemetry-http.client';

describe('retry policy', () => {
  const noJitter = () => 1;

  it('doubles the wait per consecutive failure, starting at the report interval, up to a cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 60_000, undefined, noJitter))).toEqual([
      60_000, 120_000, 240_000, 480_000,
    ]);
    expect(backoffDelay(30, 60_000, undefined, noJitter)).toBe(MAX_BACKOFF_MS);
  });

  it('spreads retries between half and the full delay (jitter)', () => {
    expect(backoffDelay(2, 10_000, undefined, () => 0)).toBe(10_000);
    expect(backoffDelay(2, 10_000, undefined, () => 0.5)).toBe(15_000);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(backoffDelay(1, 1_000, 120, noJitter)).toBe(120_000);
  });

  it('retries network errors, 408, 429 and 5xx soon, but not other 4xx', () => {
    expect(isRetryable({ ok: false, error: 'ECONNREFUSED' })).toBe(true);
    expect([408, 429, 500, 503].every((status) => isRetryable({ ok: false, status }))).toBe(true);
    expect(
      [400, 401, 403, 404, 413, 422].some((status) => isRetryable({ ok: false, status })),
    ).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-08-03T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Sun, 03 Aug 2025 10:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
