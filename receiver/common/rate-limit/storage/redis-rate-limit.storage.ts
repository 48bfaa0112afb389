import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type RedisCircuit, redisCircuitOf } from '../../redis/redis-circuit';
import type {
  RateLimitOutcome,
  RateLimitStorage,
} from '../../../config/receiver-extensions.interface';

// One round trip, atomic across receiver instances: 0 allowed, 1 blocked now, 2 already blocked.
const HIT_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

const OUTCOMES: RateLimitOutcome[] = ['allowed', 'blocked-now', 'blocked'];

/**
 * Redis storage, shared by every receiver instance. Keys follow Micrologs:
 * `<prefix>rl:count:<sha256>` and `<prefix>rl:block:<sha256>`. The client belongs to the caller.
 */
@Injectable()
export class RedisRateLimitStorage implements RateLimitStorage {
  private readonly circuit: RedisCircuit;

  constructor(
    client: Redis,
    private readonly prefix = '',
  ) {
    // While Redis does not answer, fail at once (the guard lets the request through).
    this.circuit = redisCircuitOf(client);
  }

  async hit(
    key: string,
    limit: number,
    windowSeconds: number,
    blockSeconds: number,
  ): Promise<RateLimitOutcome> {
    const result = await this.circuit.run((client) =>
      client.eval(
        HIT_SCRIPT,
        2,
        `${this.prefix}rl:count:${key}`,
        `${this.prefix}rl:block:${key}`,
        limit,
        windowSeconds,
        blockSeconds,
      ),
    );
    return OUTCOMES[Number(result)] ?? 'allowed';
  }
}
