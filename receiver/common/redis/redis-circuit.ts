import type { Redis } from 'ioredis';

/** Thrown instead of sending a command while Redis is known not to answer (callers fail open). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How long Redis is skipped after it failed to answer, before one command probes it again. */
const RETRY_AFTER_MS = 1_000;

const circuits = new WeakMap<Redis, RedisCircuit>();

/**
 * The circuit of one ioredis client: whether Redis answers right now. A client whose connection
 * is down answers nothing at once; a hung Redis (frozen, overloaded) is found by its first
 * command that runs into `commandTimeout` — then every other use skips Redis for
 * {@link RETRY_AFTER_MS} instead of each waiting out its own timeout, and one command probes it
 * again after that. So a request that needs Redis waits at most one command timeout, not one per
 * command (cache read, cache write, rate limit…).
 */
export class RedisCircuit {
  private failedAt: number | undefined;
  private probing = false;

  constructor(private readonly client: Redis) {}

  /** Whether Redis is skipped now (connection down, or a command failed within the last second). */
  get open(): boolean {
    return this.client.status !== 'ready' || this.failedAt !== undefined;
  }

  /**
   * Runs `command` unless Redis is known not to answer, in which case it throws
   * {@link RedisUnavailableError} without waiting. A command failing for another reason than a
   * reply of Redis (a timeout, a lost connection) opens the circuit.
   */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') {
      throw new RedisUnavailableError(`Redis connection ${this.client.status}`);
    }
    const probe = this.failedAt !== undefined;
    if (probe && (this.probing || Date.now() - this.failedAt! < RETRY_AFTER_MS)) {
      throw new RedisUnavailableError('Redis did not answer in time (retrying shortly)');
    }
    if (probe) this.probing = true;
    try {
      return await this.observe(command(this.client));
    } finally {
      if (probe) this.probing = false;
    }
  }

  /** Records the outcome of a command sent directly (health's PING), and passes it through. */
  async observe<T>(pending: Promise<T>): Promise<T> {
    try {
      const result = await pending;
      this.failedAt = undefined;
      return result;
    } catch (error) {
      if (isReplyError(error)) this.failedAt = undefined;
      else this.failedAt = Date.now();
      throw error;
    }
  }
}

/** The circuit of `client` (one per client, shared by every use of it). */
export function redisCircuitOf(client: Redis): RedisCircuit {
  let circuit = circuits.get(client);
  if (!circuit) {
    circuit = new RedisCircuit(client);
    circuits.set(client, circuit);
  }
  return circuit;
}

/** An error Redis itself replied (wrong type, no such group…): Redis answers, the command is wrong. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
