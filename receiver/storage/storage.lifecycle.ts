import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from './storage.constants';
import { storageOutageOf } from './storage-outage.monitor';
import { ownedDataSources } from './storage.providers';

/** Closes the receiver's own data source on shutdown (a borrowed connection is left to its owner). */
@Injectable()
export class ReceiverStorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(RECEIVER_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    storageOutageOf(this.dataSource).close();
    if (ownedDataSources.has(this.dataSource) && this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }
}
