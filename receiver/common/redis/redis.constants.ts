/**
 * Injection token of the receiver's shared ioredis client, or `null` when no `redis` option is
 * set. Feature modules use it for cache and locks (BullMQ needs connections of its own).
 */
export const RECEIVER_REDIS = Symbol('RECEIVER_REDIS');
