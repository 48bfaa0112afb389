import type { ApiEndpointOptions } from '../../openapi/api-docs.decorators';

const kindParam = {
  name: 'kind',
  description: 'Event kind: `pageview`, `error`, `audit`, `click`, …',
};
const idParam = { name: 'id', description: 'Dead-letter id (`<ms>-<seq>`)' };
const notRedis = '404 also when the receiver does not run the Redis queue';

/** OpenAPI descriptions of the dead-letters admin API. */
export const DeadLettersDocs = {
  list: {
    summary: 'List the Redis queue dead letters (admin key)',
    description:
      'Events that failed `ingest.redis.maxAttempts` times, newest first: `{counts: {kind: n}, ' +
      'dead_letters: [{kind, id, event_id, attempts, error, failed_at}]}`.',
    auth: 'admin',
    query: [
      { name: 'kind', description: 'Only this kind' },
      { name: 'limit', description: 'At most this many (1–500, default 50)' },
    ],
    success: { status: 200, description: 'Envelope with `counts` and `dead_letters`' },
    errors: { 400: 'Bad limit', 404: `Unknown kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
  get: {
    summary: 'Inspect one dead letter with its queued job (admin key)',
    auth: 'admin',
    params: [kindParam, idParam],
    success: { status: 200, description: 'Envelope with the letter and its `job`' },
    errors: { 400: 'Bad id', 404: `No such letter or kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
  retry: {
    summary: 'Queue a dead letter again (admin key)',
    description:
      'Appends the job to its kind stream with its attempts reset, then removes the letter. The event keeps its id, so it is never stored twice.',
    auth: 'admin',
    params: [kindParam, idParam],
    success: { status: 200, description: 'Envelope with the letter that was queued again' },
    errors: { 400: 'Bad id', 404: `No such letter or kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
  drop: {
    summary: 'Drop a dead letter for good (admin key)',
    auth: 'admin',
    params: [kindParam, idParam],
    success: { status: 200, description: 'Envelope with the dropped letter' },
    errors: { 400: 'Bad id', 404: `No such letter or kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
  retryAll: {
    summary: 'Queue every dead letter of a kind again (admin key)',
    description:
      'What `retry` does, for each letter of the kind present when the call starts, oldest first, ' +
      '500 at a time (each batch atomically): `{kind, retried}`. Letters that fail again meanwhile ' +
      'stay for the next call. On 503 part may be done: call it again.',
    auth: 'admin',
    params: [kindParam],
    success: { status: 200, description: 'Envelope with `kind` and `retried` (how many)' },
    errors: { 404: `Unknown kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
  dropAll: {
    summary: 'Drop every dead letter of a kind for good (admin key)',
    description:
      'The letters present when the call starts, 500 at a time: `{kind, dropped}`. On 503 part ' +
      'may be done: call it again.',
    auth: 'admin',
    params: [kindParam],
    success: { status: 200, description: 'Envelope with `kind` and `dropped` (how many)' },
    errors: { 404: `Unknown kind; ${notRedis}`, 503: 'Redis unreachable' },
  },
} satisfies Record<string, ApiEndpointOptions>;
