import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AuditLogEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  LinkClickEntity,
  PageviewEntity,
  SessionEntity,
  TelemetryHostEntity,
  TelemetrySampleEntity,
  TrackedLinkEntity,
  VisitorEntity,
} from '../../receiver/storage/entities';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Rows of one visitor: a session with pageviews stamped at `times`. */
export async function seedVisit(
  db: DataSource,
  projectId: number,
  times: Date[],
  visitorHash = hex(32),
): Promise<{ visitorId: number; sessionId: number; pageviewIds: number[] }> {
  const first = times[0];
  const last = times[times.length - 1];
  const visitor = await db.getRepository(VisitorEntity).save({
    project_id: projectId,
    visitor_hash: visitorHash,
    fingerprint_hash: '',
    first_seen: first,
    last_seen: last,
  });
  const session = await db.getRepository(SessionEntity).save({
    project_id: projectId,
    visitor_id: visitor.id,
    session_token: hex(16),
    started_at: first,
    last_activity: last,
    is_bounced: times.length === 1,
  });
  const views = await db.getRepository(PageviewEntity).save(
    times.map((created_at) => ({
      project_id: projectId,
      session_id: session.id,
      visitor_id: visitor.id,
      location_id: null,
      device_id: null,
      url: 'https://shop.example.com/old',
      page_title: 'Old',
      referrer_url: '',
      referrer_category: 'direct' as const,
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      utm_content: '',
      utm_term: '',
      screen_resolution: '',
      timezone: '',
      created_at,
    })),
    { chunk: 100 },
  );
  return { visitorId: visitor.id, sessionId: session.id, pageviewIds: views.map((v) => v.id) };
}

/**
 * An error group with one event per time, each standing for `occurrences[i]` repeats (1 unless
 * given); occurrence_count = their sum, as ingest keeps it.
 */
export async function seedErrorGroup(
  db: DataSource,
  projectId: number,
  times: Date[],
  context: unknown = null,
  occurrences: number[] = times.map(() => 1),
): Promise<number> {
  const group = await db.getRepository(ErrorGroupEntity).save({
    project_id: projectId,
    fingerprint: hex(32),
    error_type: 'TypeError',
    message: 'x is undefined',
    file: 'app.js',
    line: 1,
    severity: 'error' as const,
    environment: 'production' as const,
    status: 'open' as const,
    occurrence_count: occurrences.reduce((sum, n) => sum + n, 0),
    first_seen: times[0],
    last_seen: times[times.length - 1],
  });
  await db.getRepository(ErrorEventEntity).save(
    times.map((created_at, i) => ({
      group_id: group.id,
      project_id: projectId,
      location_id: null,
      device_id: null,
      stack_trace: null,
      url: 'https://shop.example.com/',
      environment: 'production' as const,
      severity: 'error' as const,
      context,
      occurrences: occurrences[i],
      created_at,
    })),
  );
  return group.id;
}

export async function seedAudit(
  db: DataSource,
  projectId: number,
  times: Date[],
  actor = 'admin@example.com',
): Promise<void> {
  await db.getRepository(AuditLogEntity).save(
    times.map((created_at) => ({
      project_id: projectId,
      action: 'user.login',
      actor,
      ip_hash: '',
      context: null,
      created_at,
    })),
  );
}

export async function seedClicks(db: DataSource, projectId: number, times: Date[]): Promise<void> {
  const link = await db.getRepository(TrackedLinkEntity).save({
    project_id: projectId,
    code: hex(4),
    destination_url: 'https://example.com/',
    label: '',
    is_active: true,
    created_at: times[0],
  });
  await db.getRepository(LinkClickEntity).save(
    times.map((created_at) => ({
      link_id: link.id,
      project_id: projectId,
      location_id: null,
      device_id: null,
      referrer_url: '',
      referrer_category: 'direct' as const,
      ip_hash: '',
      created_at,
    })),
  );
}

export async function seedSamples(db: DataSource, projectId: number, times: Date[]): Promise<void> {
  const host = await db.getRepository(TelemetryHostEntity).save({
    project_id: projectId,
    host: `host-${hex(3)}`,
    status: 'approved' as const,
    response_extras: {},
    first_seen: times[0],
    last_seen: null,
    report_count: times.length,
    avg_interval_seconds: null,
  });
  await db.getRepository(TelemetrySampleEntity).save(
    times.map((collected_at) => ({
      project_id: projectId,
      host_id: host.id,
      key: 'cpu',
      value: 1,
      numeric_value: 1,
      collected_at,
      received_at: collected_at,
    })),
  );
}

/** Rows of `entity` a project has, by table. */
export async function countRows(
  db: DataSource,
  projectId: number,
): Promise<Record<string, number>> {
  const tables = [
    'pageviews',
    'sessions',
    'visitors',
    'error_events',
    'error_groups',
    'audit_logs',
    'link_clicks',
    'telemetry_samples',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db.query(
      `SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ${projectId}`,
    );
    counts[table] = Number(row.n);
  }
  return counts;
}
