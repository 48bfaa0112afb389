/** Injection token of the receiver's TypeORM `DataSource` (initialised and migrated). */
export const RECEIVER_DATA_SOURCE = Symbol('RECEIVER_DATA_SOURCE');
/** Name of the migrations table, so the receiver's history never mixes with the host app's. */
export const RECEIVER_MIGRATIONS_TABLE = 'receiver_migrations';
/** Token under which ReceiverModule re-provides a data source the application registered by name. */
export const RECEIVER_EXISTING_DATA_SOURCE = Symbol('RECEIVER_EXISTING_DATA_SOURCE');
