import { Module } from '@nestjs/common';
import { ShortLinkController } from './redirect.controller';
import { RedirectModule } from './redirect.module';

/** `/r/:code` at the application root (add to the root modules of the receiver). */
@Module({
  imports: [RedirectModule],
  controllers: [ShortLinkController],
})
export class ShortLinkModule {}
