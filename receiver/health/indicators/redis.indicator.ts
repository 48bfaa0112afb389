import type { Redis } from 'ioredis';
import { redisCircuitOf } from '../../common/redis/redis-circuit';
import { HealthMessages } from '../health.messages';
import type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from '../interfaces/health-indicator.interface';

const PING_TIMEOUT_MS = 1_000;

/**
 * Redis (Valkey in Micrologs, hence the key `valkey`). Without a `redis` option the receiver runs
 * its in-process implementations, a valid single-instance set-up: `ok` with a message saying so.
 */
export class RedisHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'valkey';

  constructor(private readonly client: Redis | null) {}

  async check(): Promise<HealthCheckResult> {
    if (!this.client) return { status: 'ok', message: HealthMessages.redisNotConfigured };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // Sent even while the circuit is open (health says the truth and closes it on success).
        redisCircuitOf(this.client).observe(this.client.ping()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return { status: 'ok', message: HealthMessages.connected };
    } catch (error) {
      // Connected but silent (frozen, overloaded) is not the same fault as no connection.
      if (this.client.status === 'ready') {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'fail', message: HealthMessages.redisHung(reason) };
      }
      return { status: 'fail', message: HealthMessages.redisFailed };
    } finally {
      clearTimeout(timer);
    }
  }
}
