import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import type {
  ErasureContext,
  PersonalDataOwner,
  PersonalDataSubject,
  RowCounts,
} from '../privacy/interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from '../privacy/personal-data.registry';
import { AnalyticsCache } from './analytics-cache.service';

/**
 * Erased people stop counting at once: once an erasure commits, the project's cached analytics
 * answers (which still count the person) are dropped. Holds no personal data itself, so it only
 * takes part in erasures. Registers only where the privacy registry exists (the receiver's
 * wiring); a standalone cache module has none.
 */
@Injectable()
export class AnalyticsCachePrivacyOwner implements PersonalDataOwner, OnModuleInit {
  constructor(
    private readonly cache: AnalyticsCache,
    @Optional() private readonly registry?: PersonalDataRegistry,
  ) {}

  onModuleInit(): void {
    this.registry?.register(this);
  }

  erase(subject: PersonalDataSubject, { afterCommit }: ErasureContext): Promise<RowCounts> {
    afterCommit(() => this.cache.invalidateProject(subject.projectId));
    return Promise.resolve({});
  }
}
