import type { DataSource } from 'typeorm';
import { ProjectEntity } from '../storage/entities';
import { SqlRunner } from '../storage/sql/sql-runner';
import type { ImportMaps } from './import-row.converter';
import type { ImportTableReport } from './micrologs-import-report.interface';
import type { MicrologsSource, SourceRow } from './micrologs-source';
import type { SourceTimeConverter } from './source-time.converter';

const COLUMNS = [
  'id',
  'name',
  'secret_key',
  'public_key',
  'allowed_domains',
  'is_active',
  'created_at',
  'updated_at',
];

/**
 * Micrologs projects become receiver projects with the same name, domains, state and — what
 * keeps every deployed snippet and SDK working — the same public and secret keys (Micrologs
 * stores them as they are, contract 2.1.1). A project whose keys the receiver already holds is
 * the same project (an earlier run): it is reused, not changed. One key held by another project
 * is a conflict: that project and all its rows are skipped.
 */
export class ProjectImporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly time: SourceTimeConverter,
  ) {}

  async run(
    source: MicrologsSource,
    maps: ImportMaps,
    report: ImportTableReport,
    onPage: (rows: number) => void,
  ): Promise<void> {
    let afterId = 0;
    for (;;) {
      const page = await source.page('projects', COLUMNS, afterId, 500);
      if (page.length === 0) return;
      for (const row of page) {
        report.read++;
        const outcome = await this.importOne(row);
        if (typeof outcome === 'string') {
          report.skipped[outcome]++;
          continue;
        }
        maps.projects.set(Number(row.id), outcome.id);
        if (outcome.created) report.imported++;
        else report.existing++;
      }
      afterId = Number(page[page.length - 1].id);
      onPage(page.length);
    }
  }

  /** The receiver id of the project (imported now, or found), or why it was skipped. */
  private async importOne(
    row: SourceRow,
  ): Promise<{ id: number; created: boolean } | 'invalid' | 'conflict'> {
    const secret = text(row.secret_key);
    const publicKey = text(row.public_key);
    const name = text(row.name);
    if (
      !secret ||
      !publicKey ||
      !name ||
      secret.length > 64 ||
      publicKey.length > 32 ||
      name.length > 100
    ) {
      return 'invalid';
    }
    const sql = new SqlRunner(this.dataSource);
    const found = await sql.rows<{ id: unknown; secret_key: string; public_key: string }>(
      (p) =>
        `SELECT id, secret_key, public_key FROM ${sql.table(ProjectEntity)} ` +
        `WHERE secret_key = ${p.add(secret)} OR public_key = ${p.add(publicKey)}`,
    );
    if (found.length > 0) {
      const same =
        found.length === 1 && found[0].secret_key === secret && found[0].public_key === publicKey;
      return same ? { id: Number(found[0].id), created: false } : 'conflict';
    }
    const created = this.time.instant(row.created_at) ?? new Date();
    const saved = await this.dataSource.getRepository(ProjectEntity).save({
      name,
      secret_key: secret,
      public_key: publicKey,
      allowed_domains: text(row.allowed_domains),
      is_active: Boolean(Number(row.is_active)),
      created_at: created,
      updated_at: this.time.instant(row.updated_at) ?? created,
    });
    return { id: saved.id, created: true };
  }
}

const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : Buffer.isBuffer(value)
      ? value.toString('utf8')
      : String(value).trim();
