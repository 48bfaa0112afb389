import { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import type { SqlRunner } from '../../storage/sql/sql-runner';
import type { TelemetryReportJob } from './telemetry-report.job';

/**
 * The reports of a batch with host ids that exist now. A host deleted between the request and
 * the write (an admin's delete racing a report, or a host id cached by another process) is
 * created again — the report is a sign of life, exactly what its next report would do — and the
 * report moves to that row. Reports of a project deleted meanwhile are dropped with the project's
 * data. Runs in the batch's transaction; a delete committing in between fails the batch on the
 * foreign key, and its retry finds the host gone and creates it.
 */
export async function withLiveHosts<R extends TelemetryReportJob>(
  sql: SqlRunner,
  reports: R[],
): Promise<R[]> {
  const hosts = sql.table(TelemetryHostEntity);
  const ids = [...new Set(reports.map((r) => r.hostId))];
  // Locked first and in id order, as the host delete does: the samples' foreign-key checks and
  // the host update later would otherwise deadlock with a delete between them (InnoDB).
  const found = await sql.rows<{ id: unknown }>(
    (p) =>
      `SELECT id FROM ${hosts} WHERE id IN (${p.list(ids)}) ORDER BY id` + sql.dialect.lockRows,
  );
  const live = new Set(found.map((row) => Number(row.id)));
  const orphans = reports.filter((r) => !live.has(r.hostId));
  if (orphans.length === 0) return reports;

  const projectIds = [...new Set(orphans.map((r) => r.projectId))];
  const projects = await sql.rows<{ id: unknown }>(
    (p) => `SELECT id FROM ${sql.table(ProjectEntity)} WHERE id IN (${p.list(projectIds)})`,
  );
  const liveProjects = new Set(projects.map((row) => Number(row.id)));
  // A job queued before jobs carried the host's name cannot re-create it: dropped.
  const recreate = orphans.filter(
    (r) => liveProjects.has(r.projectId) && typeof r.host === 'string',
  );
  const names = new Map(recreate.map((r) => [hostKey(r), r]));
  await sql.insertIgnore(
    TelemetryHostEntity,
    [...names.values()].map((job) => ({
      project_id: job.projectId,
      host: job.host,
      status: 'approved',
      response_extras: {},
      first_seen: new Date(job.receivedAt),
      last_seen: null,
      report_count: 0,
      avg_interval_seconds: null,
    })),
  );
  const newIds = new Map<string, number>();
  for (const job of names.values()) {
    const row = await sql.row<{ id: unknown } | undefined>(
      (p) =>
        `SELECT id FROM ${hosts} WHERE project_id = ${p.add(job.projectId)} ` +
        `AND host = ${p.add(job.host)}`,
    );
    if (row) newIds.set(hostKey(job), Number(row.id));
  }
  return reports.flatMap((report) => {
    if (live.has(report.hostId)) return [report];
    const id = newIds.get(hostKey(report));
    if (id === undefined) return [];
    return [{ ...report, hostId: id }];
  });
}

const hostKey = (job: TelemetryReportJob): string => `${job.projectId}\u0000${job.host}`;
