import { Injectable } from '@nestjs/common';
import type { PersonalDataOwner } from './interfaces/personal-data-owner.interface';

/**
 * The domains that store personal data. Each registers its {@link PersonalDataOwner} in
 * `onModuleInit` (as ingest handlers do), so a new table of personal data joins access and
 * erasure requests without the privacy code knowing it.
 */
@Injectable()
export class PersonalDataRegistry {
  private readonly registered: PersonalDataOwner[] = [];

  register(owner: PersonalDataOwner): void {
    if (!this.registered.includes(owner)) this.registered.push(owner);
  }

  /** The owners in registration order. */
  owners(): readonly PersonalDataOwner[] {
    return this.registered;
  }
}
