import { ReceiverSchema1763800000000 } from './1763800000000-receiver-schema';

/** The receiver's migrations in order; list them in your data source when you pass a connection name. */
export const RECEIVER_MIGRATIONS = [ReceiverSchema1763800000000];
