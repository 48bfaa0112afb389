import { Module } from '@nestjs/common';
import { ReceiverModule } from '../../receiver';

/**
 * The sample receiver: ReceiverModule on its embedded defaults (SQLite file
 * `./data/receiver.sqlite`, in-process rate limits). Everything else comes from the environment:
 * RECEIVER_ADMIN_KEY and RECEIVER_IP_HASH_SALT are required (`npm start` generates them).
 */
@Module({ imports: [ReceiverModule.forRoot()] })
export class AppModule {}
