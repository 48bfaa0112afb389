import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { sha256Hex } from '../enrichment/sha256';
import { ProjectsService } from '../projects/projects.service';
import type { PrivacyRequestEntity } from '../storage/entities/privacy-request.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import type {
  ErasureContext,
  ExportedRows,
  PersonalDataSubject,
  RowCounts,
} from './interfaces/personal-data-owner.interface';
import { PersonalDataRegistry } from './personal-data.registry';
import { PrivacyRequestsRepository } from './privacy-requests.repository';
import { PrivacyMessages } from './privacy.messages';

/** Who made a request, as the request log keeps it. */
export interface PrivacyRequester {
  /** The person or ticket behind it (`X-Requested-By`, `--requested-by`), `''` when unsaid. */
  requestedBy: string;
  /** The credential used: `admin-key:<hash prefix>` or `cli`. */
  credential: string;
}

/** What an export or an erasure did. */
export interface PrivacyOutcome {
  /** Id of its entry in the request log. */
  requestId: number;
  /** Rows per table: exported, or deleted (`table.column`: rows whose count was lowered). */
  rows: RowCounts;
}

/**
 * Answers access (Art. 15) and erasure (Art. 17) requests by asking every registered
 * {@link PersonalDataOwner} for its part, and logs each answered request. An erasure is one
 * transaction — aggregates corrected, rows deleted, request logged — so it is complete or not
 * at all; a failed one changes nothing and can simply be asked again.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger('ReceiverPrivacy');

  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly registry: PersonalDataRegistry,
    private readonly projects: ProjectsService,
    private readonly requests: PrivacyRequestsRepository,
  ) {}

  /** Everything stored about `subject`, table by table (404 for an unknown project). */
  async export(
    subject: PersonalDataSubject,
    requester: PrivacyRequester,
  ): Promise<PrivacyOutcome & { data: ExportedRows }> {
    await this.projects.get(subject.projectId);
    const data: ExportedRows = {};
    for (const owner of this.registry.owners()) {
      const part = (await owner.export?.(subject, this.dataSource.manager)) ?? {};
      for (const [table, rows] of Object.entries(part)) merge(data, table, rows);
    }
    const tables = byTableName(data);
    const rows = byTableName(
      Object.fromEntries(Object.entries(data).map(([table, r]) => [table, r.length])),
    );
    const entry = await this.requests.record(this.entry('export', subject, requester, rows));
    return { requestId: entry.id, rows, data: tables };
  }

  /** Deletes everything stored about `subject` and corrects the aggregates it counted in. */
  async erase(subject: PersonalDataSubject, requester: PrivacyRequester): Promise<PrivacyOutcome> {
    await this.projects.get(subject.projectId);
    const afterCommit: Array<() => void | Promise<void>> = [];
    const outcome = await this.dataSource.transaction(async (manager) => {
      const context: ErasureContext = { manager, afterCommit: (work) => afterCommit.push(work) };
      const rows: RowCounts = {};
      const owners = this.registry.owners();
      // Aggregates first, while the rows they were computed from are still there to read.
      for (const owner of owners) add(rows, await owner.subtract?.(subject, context));
      for (const owner of owners) add(rows, await owner.erase?.(subject, context));
      const entry = await this.requests.record(
        this.entry('erase', subject, requester, byTableName(rows)),
        manager,
      );
      return { requestId: entry.id, rows: byTableName(rows) };
    });
    for (const work of afterCommit) {
      try {
        await work();
      } catch (error) {
        this.logger.warn(PrivacyMessages.afterCommitFailed(String(error)));
      }
    }
    return outcome;
  }

  /** One page of the request log, newest first. */
  requestLog(projectId: number | undefined, page: number, limit: number) {
    return this.requests.page(projectId, page, limit);
  }

  private entry(
    action: PrivacyRequestEntity['action'],
    subject: PersonalDataSubject,
    requester: PrivacyRequester,
    rows: RowCounts,
  ) {
    return {
      project_id: subject.projectId,
      action,
      subject_type: subject.type,
      // Never the id itself; a later request for the same id hashes to the same entry.
      subject_hash: sha256Hex(subject.type === 'visitor' ? subject.visitorId : subject.actor),
      requested_by: requester.requestedBy,
      credential: requester.credential,
      row_counts: rows,
      created_at: new Date(),
    };
  }
}

/** Adds an owner's counts (two owners may report on one table). */
function add(total: RowCounts, part: RowCounts | undefined): void {
  for (const [table, count] of Object.entries(part ?? {})) {
    total[table] = (total[table] ?? 0) + count;
  }
}

/** Appends exported rows, once per row id (shared rows such as devices are listed once). */
function merge(data: ExportedRows, table: string, rows: Record<string, unknown>[]): void {
  const list = (data[table] ??= []);
  const seen = new Set(list.map((row) => row.id));
  for (const row of rows) {
    if (row.id !== undefined && seen.has(row.id)) continue;
    seen.add(row.id);
    list.push(row);
  }
}

/**
 * The record with its tables in name order: what an answer, a CLI table or the request log shows
 * must not change with the order in which modules registered their owners.
 */
function byTableName<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
