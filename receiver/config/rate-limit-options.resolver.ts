import type { EnvReader } from '../../lib/protocol';
import type { RateLimitOptions, ResolvedRateLimits } from './receiver-options.interface';

/** Micrologs (contract 1.8): 60-second windows, 15-minute blocks. */
const CONTRACT_WINDOW_SECONDS = 60;
const CONTRACT_BLOCK_SECONDS = 900;
/** Server-side callers with a secret key: per project, 20 requests a second on average. */
const SECRET_KEY_LIMIT = 1200;
const SECRET_KEY_BLOCK_SECONDS = 60;

const ENDPOINT_NAME = /^[a-z][a-z0-9_]*$/;
const DAY = 86_400;

/** `rateLimit` limits over `RECEIVER_RATE_LIMIT*` variables over the contract's values. */
export function resolveRateLimits(
  e: EnvReader,
  given: RateLimitOptions | undefined = {},
): ResolvedRateLimits {
  return {
    windowSeconds:
      e.integer(
        'rateLimit.windowSeconds',
        'RECEIVER_RATE_LIMIT_WINDOW_SECONDS',
        { min: 1, max: DAY },
        given.windowSeconds,
      ) ?? CONTRACT_WINDOW_SECONDS,
    blockSeconds:
      e.integer(
        'rateLimit.blockSeconds',
        'RECEIVER_RATE_LIMIT_BLOCK_SECONDS',
        { min: 1, max: DAY },
        given.blockSeconds,
      ) ?? CONTRACT_BLOCK_SECONDS,
    perIp: perIpLimits(e, given.perIp),
    secretKey: {
      limit:
        e.integer(
          'rateLimit.secretKey.limit',
          'RECEIVER_RATE_LIMIT_SECRET_KEY',
          { min: 0 },
          given.secretKey?.limit,
        ) ?? SECRET_KEY_LIMIT,
      blockSeconds:
        e.integer(
          'rateLimit.secretKey.blockSeconds',
          'RECEIVER_RATE_LIMIT_SECRET_KEY_BLOCK_SECONDS',
          { min: 1, max: DAY },
          given.secretKey?.blockSeconds,
        ) ?? SECRET_KEY_BLOCK_SECONDS,
    },
  };
}

/** `{name: limit}` from code, or `name=limit,name=limit` from `RECEIVER_RATE_LIMITS`. */
function perIpLimits(e: EnvReader, given: unknown): Record<string, number> {
  const option = 'rateLimit.perIp';
  const expected = 'endpoint names (e.g. "errors") with whole numbers >= 0';
  let pairs: Array<[string, unknown]>;
  let from: string | undefined;
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      return e.fail(option, undefined, given, expected);
    }
    pairs = Object.entries(given);
  } else {
    from = 'RECEIVER_RATE_LIMITS';
    const entries = e.list(option, from) ?? [];
    pairs = entries.map((entry) => {
      const [name, value, extra] = entry.split('=').map((part) => part.trim());
      if (value === undefined || extra !== undefined) e.fail(option, from, entry, expected);
      return [name, value];
    });
  }
  const limits: Record<string, number> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.replace(/^_/, '');
    if (!ENDPOINT_NAME.test(name)) e.fail(option, from, rawName, expected);
    limits[name] = e.integer(`${option}.${name}`, '', { min: 0 }, value) ?? 0;
  }
  return limits;
}
