/** Texts of the dead-letters admin API. */
export const DeadLettersMessages = {
  listed: 'Dead letters fetched',
  fetched: 'Dead letter fetched',
  retried: 'Dead letter queued again',
  dropped: 'Dead letter dropped',
  retriedAll: 'Dead letters queued again',
  droppedAll: 'Dead letters dropped',
  noRedisQueue: 'Dead letters exist only with the Redis queue (RECEIVER_QUEUE=redis)',
  unknownKind: (kind: string) => `Unknown event kind "${kind}"`,
  badId: 'id must be a dead-letter id such as 1732960000000-0',
  notFound: 'Dead letter not found',
  badLimit: 'limit must be a whole number between 1 and 500',
  redisDown: 'Redis is unreachable; try again later',
} as const;
