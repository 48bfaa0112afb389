import { Module } from '@nestjs/common';
import { ReceiverModule } from '../../receiver';
import { LivePageController } from './live-page.controller';

/**
 * The sample receiver: ReceiverModule on its embedded defaults (SQLite file
 * `./data/receiver.sqlite`, in-process rate limits) with the realtime feeds on, and a live page at
 * `/live`. Everything else comes from the environment: RECEIVER_ADMIN_KEY and
 * RECEIVER_IP_HASH_SALT are required (`npm start` generates them).
 */
@Module({
  imports: [ReceiverModule.forRoot({ realtime: { enabled: true } })],
  controllers: [LivePageController],
})
export class AppModule {}
