/** Texts of the ingestion capability. */
export const IngestMessages = {
  noHandler: (kind: string) =>
    `No ingest handler is registered for job kind "${kind}" (register one with IngestHandlerRegistry.register)`,
  duplicateHandler: (kind: string) =>
    `An ingest handler for job kind "${kind}" is already registered`,
  closed: 'The ingestion queue is shutting down; the event was not accepted',
  full: (max: number) =>
    `The ingestion queue holds ${max} unwritten events; the event was not accepted`,
  batchFailed: (size: number, reason: string) =>
    `A batch of ${size} events could not be written (${reason}); halving it to find the event at fault`,
  jobRejected: (kind: string, id: string, reason: string) =>
    `A ${kind} event (${id}) was rejected alone: the database refuses it (${reason})`,
  rejected: 'The database refused this event; it was not stored and sending it again will not help',
  storageDown: (reason: string) => `Database writes are failing: ${reason}`,
  healthy: (name: string, pending: number) => `${name} queue running, ${pending} pending`,
  drained: (count: number) => `Ingestion queue drained (${count} events written during shutdown)`,
  backlogFull: (kind: string, depth: number, max: number) =>
    `The Redis queue holds ${depth} ${kind} events (limit ${max}); the event was not accepted`,
  redisAway: (reason: string) =>
    `Redis queue unreachable (${reason}): events are committed inline until it answers again`,
  redisBack: 'Redis queue reachable again: events go through Redis',
  redisModeHealthy: (depth: number) => `redis queue running, ${depth} waiting`,
  redisModeFallback: 'Redis unreachable: committing events inline (the database answers)',
  noAof:
    'Redis has no AOF persistence: a Redis restart loses queued events (set appendonly yes, appendfsync always)',
  weakFsync: (fsync: string) =>
    `Redis AOF fsync is "${fsync}": a power loss can lose the last second of queued events (appendfsync always makes a 202 as durable as a commit)`,
  backlogHigh: (kind: string, depth: number) =>
    `${kind} backlog at the limit (${depth}): tracking answers 503`,
  workersAway: (reason: string) => `Queue workers: Redis unreachable (${reason}); waiting for it`,
  workersBack: 'Queue workers: Redis reachable again, resumed',
  deadLettered: (kind: string, entryId: string, attempts: number, reason: string) =>
    `A ${kind} event (${entryId}) failed ${attempts} times and moved to the dead letters: ${reason}`,
  unknownKinds: (kinds: string[], known: string[]) =>
    `Queue workers: unknown kind(s) ${kinds.join(', ')} (known: ${known.join(', ')})`,
  workersStarted: (id: string, concurrency: number, kinds: string[]) =>
    `Queue worker ${id} started: ${concurrency} loop(s) on ${kinds.join(', ')}`,
  workersStopped: (id: string, written: number) =>
    `Queue worker ${id} stopped after writing ${written} events`,
  deadLetters: (kind: string, count: number) =>
    `${count} ${kind} event(s) in the dead letters (GET /api/queue/dead-letters)`,
  workersAllRunning: 'All workers running',
  workersDown: 'One or more workers are down \u2014 check the `receiver worker` processes',
} as const;
