import { Module } from '@nestjs/common';
import { PrivacyRequestsRepository } from './privacy-requests.repository';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** The providers a CLI context needs to answer requests (beside the registry and its owners). */
export const PRIVACY_PROVIDERS = [PrivacyRequestsRepository, PrivacyService];

/**
 * Access and erasure requests (GDPR Articles 15 and 17): the admin routes under
 * `/api/privacy` and the request log. Wired to the personal data registry, projects and the
 * analytics cache in `receiver.features.ts`.
 */
@Module({
  controllers: [PrivacyController],
  providers: PRIVACY_PROVIDERS,
  exports: [PrivacyService],
})
export class PrivacyModule {}
