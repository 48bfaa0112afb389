import { Module } from '@nestjs/common';
import { ShortLinkController } from './redirect.controller';
import { LinksCoreModule } from './links-core.module';

/** `/r/:code` at the application root (add to the root modules of the receiver). */
@Module({
  imports: [LinksCoreModule],
  controllers: [ShortLinkController],
})
export class ShortLinkModule {}
