import type { HealthCheckResult, ReceiverHealthIndicator } from '../../health';
import { IngestMessages } from '../ingest.messages';
import type { RedisQueueRuntime } from './redis-queue.runtime';
import { liveWorkers, type WorkerStatus } from './worker-heartbeat';

const WORKERS_TIMEOUT_MS = 1_000;

/** The worker processes alive now, or `undefined` when Redis does not answer in time. */
export async function workersOrNothing(
  runtime: RedisQueueRuntime,
): Promise<WorkerStatus[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      liveWorkers(runtime.redis, runtime.keys),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), WORKERS_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `queue` check with the Redis queue: which mode is active (Redis, or inline while Redis is
 * away), per kind the backlog, the oldest waiting event's age and the dead letters, each worker
 * process, and the Redis persistence. `fail` only when events cannot be kept at all; a missing
 * AOF, dead letters, a backlog at its limit or the inline fallback `warn`.
 */
export class RedisQueueHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'queue';

  constructor(private readonly runtime: RedisQueueRuntime) {}

  async check(): Promise<HealthCheckResult> {
    const { queue, monitor, options } = this.runtime;
    const base = queue.health();
    const backlog = monitor.snapshot();
    const workers = await workersOrNothing(this.runtime);
    const persistence = monitor.persistence();
    const kinds = Object.fromEntries(
      Object.entries(backlog).map(([kind, facts]) => [
        kind,
        { ...facts, workers: workers?.filter((w) => takes(w, kind)).length ?? null },
      ]),
    );
    const warnings: string[] = [];
    if (queue.mode === 'inline-fallback') warnings.push(base.message);
    if (persistence && !persistence.aof) warnings.push(IngestMessages.noAof);
    else if (persistence && persistence.fsync !== 'always' && persistence.fsync !== 'unknown') {
      warnings.push(IngestMessages.weakFsync(persistence.fsync));
    }
    for (const [kind, facts] of Object.entries(backlog)) {
      if (facts.depth >= options.redisQueue.maxBacklog) {
        warnings.push(IngestMessages.backlogHigh(kind, facts.depth));
      }
      if (facts.deadLetters > 0) warnings.push(IngestMessages.deadLetters(kind, facts.deadLetters));
    }
    const status = base.status === 'fail' ? 'fail' : warnings.length > 0 ? 'warn' : 'ok';
    return {
      status,
      message: base.status === 'fail' ? base.message : (warnings[0] ?? base.message),
      ...(warnings.length > 1 ? { warnings } : {}),
      driver: queue.name,
      mode: queue.mode,
      pending: base.pending,
      kinds,
      workers: workers ?? null,
      redis_persistence: persistence ?? null,
    };
  }
}

/**
 * Micrologs' `workers` check (production mode): per kind `"<kind>-worker": "ok (n/expected)"`
 * or `"degraded (n/expected running)"`, `fail` when a kind has fewer live worker loops than
 * `expectedWorkers`.
 */
export class WorkersHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'workers';

  constructor(private readonly runtime: RedisQueueRuntime) {}

  async check(): Promise<HealthCheckResult> {
    const expected = this.runtime.options.redisQueue.expectedWorkers;
    const live = (await workersOrNothing(this.runtime)) ?? [];
    const report: Record<string, string> = {};
    let down = false;
    for (const kind of this.runtime.kinds()) {
      const running = live.filter((w) => takes(w, kind)).reduce((n, w) => n + w.concurrency, 0);
      const ok = running >= expected;
      down ||= !ok;
      report[`${kind}-worker`] = ok
        ? `ok (${running}/${expected})`
        : `degraded (${running}/${expected} running)`;
    }
    return {
      status: down ? 'fail' : 'ok',
      message: down ? IngestMessages.workersDown : IngestMessages.workersAllRunning,
      workers: report,
    };
  }
}

const takes = (worker: WorkerStatus, kind: string): boolean => worker.kinds.includes(kind);
