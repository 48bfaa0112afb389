import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, In, Not } from 'typeorm';
import { ErrorGroupEntity, ErrorStatus } from '../storage/entities';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { isRowId } from '../common/input/php-input';
import {
  ERROR_CACHE_INVALIDATOR,
  ErrorCacheInvalidator,
} from '../cache/interfaces/error-cache-invalidator.interface';

/** Result of a status change (contract 2.2.4). */
export interface ErrorStatusResult {
  updated: number;
  ids: number[];
  notFound: number[];
}

/** Sets the status of a project's error groups; any transition is allowed. */
@Injectable()
export class ErrorStatusService {
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Optional()
    @Inject(ERROR_CACHE_INVALIDATOR)
    private readonly invalidator?: ErrorCacheInvalidator,
  ) {}

  /** Returns `undefined` when none of the ids belongs to the project. */
  async setStatus(
    projectId: number,
    ids: number[],
    status: ErrorStatus,
  ): Promise<ErrorStatusResult | undefined> {
    // An id beyond the column's range names no group (and PostgreSQL would refuse the query).
    const candidates = ids.filter(isRowId);
    if (candidates.length === 0) return undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      const owned = await manager.find(ErrorGroupEntity, {
        select: { id: true },
        where: { project_id: projectId, id: In(candidates) },
      });
      if (owned.length === 0) return undefined;
      const ownedIds = new Set(owned.map((g) => g.id));
      const matching = ids.filter((id) => ownedIds.has(id));
      // Groups already in that status are not counted as updated.
      const changed = await manager.update(
        ErrorGroupEntity,
        { project_id: projectId, id: In(matching), status: Not(status) },
        { status },
      );
      return {
        updated: changed.affected ?? 0,
        ids: matching,
        notFound: ids.filter((id) => !ownedIds.has(id)),
      };
    });
    if (result && this.invalidator) {
      try {
        await this.invalidator.invalidateErrors(projectId, result.ids);
      } catch {
        // Cache invalidation is best effort (contract 1.12); the status change is committed.
      }
    }
    return result;
  }
}
