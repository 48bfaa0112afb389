import type { Redis } from 'ioredis';

/** Thrown instead of sending a command while Redis is known not to answer (callers fail open). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * How long Redis is skipped at least after it failed to answer, before one command probes it
 * again. A client whose command timeout is longer skips Redis for one timeout instead: a probe
 * costs the request that sends it one timeout, so probing more often buys nothing.
 */
const RETRY_AFTER_MS = 1_000;

/**
 * What is known about one Redis server, shared by every client connected to it: the receiver
 * opens several (the shared one for cache, rate limits and health; the queue producer; a cache
 * of its own), and a request that used two of them waited out one timeout on each.
 */
interface RedisServerState {
  /** When a command last failed without a reply; `undefined` while Redis answers. */
  failedAt: number | undefined;
  /** How long after {@link failedAt} Redis is skipped: {@link RETRY_AFTER_MS}, or the failed client's timeout. */
  retryAfterMs: number;
  /** Whether one command is probing the server after {@link RETRY_AFTER_MS}. */
  probing: boolean;
}

const servers = new Map<string, RedisServerState>();
const circuits = new WeakMap<Redis, RedisCircuit>();

/**
 * The circuit of one ioredis client: whether Redis answers right now. A client whose connection
 * is down answers nothing at once; a hung Redis (frozen, overloaded) is found by the first
 * command that runs into `commandTimeout` on any client of that server — then every use of the
 * server, on every client, skips Redis for {@link RETRY_AFTER_MS} (or one command timeout, when
 * longer) instead of each waiting out its own timeout, and one command probes it again after that. So a request that needs Redis waits at
 * most one command timeout, not one per command (rate limit, queue, cache read, cache write…).
 */
export class RedisCircuit {
  constructor(
    private readonly client: Redis,
    private readonly server: RedisServerState,
  ) {}

  /** Whether Redis is skipped now (connection down, or a command failed without a reply). */
  get open(): boolean {
    return this.client.status !== 'ready' || this.server.failedAt !== undefined;
  }

  /**
   * Runs `command` unless Redis is known not to answer, in which case it throws
   * {@link RedisUnavailableError} without waiting. A command failing for another reason than a
   * reply of Redis (a timeout, a lost connection) opens the circuit of every client of the server.
   */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') {
      throw new RedisUnavailableError(`Redis connection ${this.client.status}`);
    }
    const server = this.server;
    const probe = server.failedAt !== undefined;
    if (probe && (server.probing || Date.now() - server.failedAt! < server.retryAfterMs)) {
      throw new RedisUnavailableError('Redis did not answer in time (retrying shortly)');
    }
    if (probe) server.probing = true;
    try {
      return await this.observe(command(this.client));
    } finally {
      if (probe) server.probing = false;
    }
  }

  /** Records the outcome of a command sent directly (health's PING), and passes it through. */
  async observe<T>(pending: Promise<T>): Promise<T> {
    try {
      const result = await pending;
      this.server.failedAt = undefined;
      return result;
    } catch (error) {
      if (isReplyError(error)) {
        this.server.failedAt = undefined;
      } else {
        this.server.failedAt = Date.now();
        this.server.retryAfterMs = Math.max(
          RETRY_AFTER_MS,
          this.client.options.commandTimeout ?? 0,
        );
      }
      throw error;
    }
  }
}

/** The circuit of `client` (one per client; its failure state is shared with every client of the same server). */
export function redisCircuitOf(client: Redis): RedisCircuit {
  let circuit = circuits.get(client);
  if (!circuit) {
    const address = serverAddress(client);
    let server = servers.get(address);
    if (!server)
      servers.set(
        address,
        (server = { failedAt: undefined, retryAfterMs: RETRY_AFTER_MS, probing: false }),
      );
    circuit = new RedisCircuit(client, server);
    circuits.set(client, circuit);
  }
  return circuit;
}

/** The server a client talks to: its Unix socket, or host and port (every database on it hangs together). */
function serverAddress(client: Redis): string {
  const { path, host, port } = client.options;
  return path ? `unix:${path}` : `${host ?? 'localhost'}:${port ?? 6379}`;
}

/** An error Redis itself replied (wrong type, no such group…): Redis answers, the command is wrong. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
