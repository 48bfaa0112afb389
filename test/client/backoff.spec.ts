import { backoffDelay, isRetryable, MAX_BACKOFF_MS } from '../../lib/reporting/telemetry-backoff';
import { SendBackoff } from '../../lib/reporting/send-backoff';
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

describe('SendBackoff (the retry state both senders share)', () => {
  const setup = () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const backoff = new SendBackoff(
      {
        outageStarted: (reason, remaining) => lines.push(`down ${reason} ${remaining}`),
        outageEnded: (seconds) => lines.push(`up ${seconds}`),
        refused: (status, reason) => lines.push(`refused ${status} ${reason}`),
      },
      () => now,
    );
    return { backoff, lines, advance: (ms: number) => (now += ms) };
  };

  it('logs an outage once when it starts and once when it ends, backing off meanwhile', () => {
    const { backoff, lines, advance } = setup();
    const down = { ok: false, error: 'ECONNREFUSED' };
    const delays = [1, 2, 3].map(() => backoff.failed(down, 7, 1_000));
    expect(delays[2]).toBeGreaterThanOrEqual(2_000); // 4 s with jitter 50–100 %
    expect(backoff.failing).toBe(true);
    advance(42_000);
    backoff.succeeded();
    backoff.succeeded();
    expect(lines).toEqual(['down ECONNREFUSED 7', 'up 42']);
    expect(backoff.failing).toBe(false);
  });

  it('honours Retry-After: waiting until it ran out, and at least that long', () => {
    const { backoff, advance } = setup();
    expect(backoff.failed({ ok: false, status: 503, retryAfterSeconds: 30 }, 1, 1_000)).toBe(
      30_000,
    );
    expect(backoff.waiting).toBe(true);
    advance(30_000);
    expect(backoff.waiting).toBe(false);
  });

  it('logs a refusal once per status and retries it at the normal pace, without an outage', () => {
    const { backoff, lines } = setup();
    const refused = { ok: false, status: 401, error: 'HTTP 401' };
    expect([1, 2].map(() => backoff.failed(refused, 3, 5_000))).toEqual([5_000, 5_000]);
    backoff.failed({ ok: false, status: 403, error: 'HTTP 403' }, 3, 5_000);
    expect(lines).toEqual(['refused 401 HTTP 401', 'refused 403 HTTP 403']);
    expect(backoff.failing).toBe(false);
  });
});
