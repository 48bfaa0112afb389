import { Module } from '@nestjs/common';
import { ShortLinkController } from './redirect.controller';

/** `/r/:code` at the application root (add to the root modules of the receiver). */
@Module({
  controllers: [ShortLinkController],
})
export class ShortLinkModule {}
