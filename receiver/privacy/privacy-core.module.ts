import { Module } from '@nestjs/common';
import { PersonalDataRegistry } from './personal-data.registry';

/**
 * The registry the domains holding personal data register with (tracking, links, and any
 * rollup store). Without routes, so the domains can import it without mounting the privacy API.
 */
@Module({
  providers: [PersonalDataRegistry],
  exports: [PersonalDataRegistry],
})
export class PrivacyCoreModule {}
