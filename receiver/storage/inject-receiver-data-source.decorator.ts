import { Inject } from '@nestjs/common';
import { RECEIVER_DATA_SOURCE } from './storage.constants';

/** Injects the receiver's initialised and migrated TypeORM `DataSource`. */
export const InjectReceiverDataSource = (): ParameterDecorator => Inject(RECEIVER_DATA_SOURCE);
