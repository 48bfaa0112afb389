import type { ObjectLiteral } from 'typeorm';
import {
  AuditLogEntity,
  DeviceEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  LinkClickEntity,
  LocationEntity,
  PageviewEntity,
  SessionEntity,
  TrackedLinkEntity,
  VisitorEntity,
} from '../storage/entities';

/** The id maps the import keeps, source id → receiver id, one per referenced table. */
export type MappedTable =
  'projects' | 'visitors' | 'sessions' | 'devices' | 'locations' | 'error_groups' | 'tracked_links';

/**
 * A receiver row that already exists when it has the same natural key: the unique key the
 * receiver's schema gives the table. `narrow` is the key column the read-back filters on.
 */
export interface DimensionKey {
  columns: readonly string[];
  narrow: string;
}

/** One Micrologs table copied into the receiver table of the same name and columns. */
export interface ImportStep {
  table: string;
  /**
   * The Micrologs columns (contract section 6, besides `id`); the receiver's table has each of
   * them under the same name. Its own further columns (`error_events.occurrences`…) take their
   * defaults.
   */
  columns: readonly string[];
  entity: new () => ObjectLiteral;
  /**
   * Columns referencing another table: the id is translated through that table's map. A
   * reference that is not `required` becomes NULL when its row is unknown (as a join would drop
   * it); a required one makes the row an orphan, skipped.
   */
  references: Record<string, { table: MappedTable; required: boolean }>;
  /** How an already imported row is recognised: its natural key, or an event id from its origin. */
  identity: { kind: 'dimension'; key: DimensionKey; maps: MappedTable } | { kind: 'event' };
}

const project = { table: 'projects', required: true } as const;
const location = { table: 'locations', required: false } as const;
const device = { table: 'devices', required: false } as const;

/**
 * The tables after `projects`, in dependency order.
 */
export const IMPORT_STEPS: readonly ImportStep[] = [
  {
    table: 'visitors',
    columns: ['project_id', 'visitor_hash', 'fingerprint_hash', 'first_seen', 'last_seen'],
    entity: VisitorEntity,
    references: { project_id: project },
    identity: {
      kind: 'dimension',
      maps: 'visitors',
      key: { columns: ['project_id', 'visitor_hash'], narrow: 'visitor_hash' },
    },
  },
  {
    table: 'sessions',
    columns: [
      'project_id',
      'visitor_id',
      'session_token',
      'started_at',
      'last_activity',
      'is_bounced',
    ],
    entity: SessionEntity,
    references: { project_id: project, visitor_id: { table: 'visitors', required: true } },
    identity: {
      kind: 'dimension',
      maps: 'sessions',
      key: { columns: ['project_id', 'session_token'], narrow: 'session_token' },
    },
  },
  {
    table: 'devices',
    columns: ['project_id', 'device_type', 'os', 'browser', 'browser_version', 'created_at'],
    entity: DeviceEntity,
    references: { project_id: project },
    identity: {
      kind: 'dimension',
      maps: 'devices',
      key: {
        columns: ['project_id', 'device_type', 'os', 'browser', 'browser_version'],
        narrow: 'project_id',
      },
    },
  },
  {
    table: 'locations',
    columns: ['project_id', 'country', 'country_code', 'region', 'city', 'is_vpn', 'created_at'],
    entity: LocationEntity,
    references: { project_id: project },
    identity: {
      kind: 'dimension',
      maps: 'locations',
      key: { columns: ['project_id', 'country_code', 'region', 'city'], narrow: 'project_id' },
    },
  },
  {
    table: 'pageviews',
    columns: [
      'project_id',
      'session_id',
      'visitor_id',
      'location_id',
      'device_id',
      'url',
      'page_title',
      'referrer_url',
      'referrer_category',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_content',
      'utm_term',
      'screen_resolution',
      'timezone',
      'created_at',
    ],
    entity: PageviewEntity,
    references: {
      project_id: project,
      session_id: { table: 'sessions', required: true },
      visitor_id: { table: 'visitors', required: true },
      location_id: location,
      device_id: device,
    },
    identity: { kind: 'event' },
  },
  {
    table: 'error_groups',
    columns: [
      'project_id',
      'fingerprint',
      'error_type',
      'message',
      'file',
      'line',
      'severity',
      'environment',
      'status',
      'occurrence_count',
      'first_seen',
      'last_seen',
    ],
    entity: ErrorGroupEntity,
    references: { project_id: project },
    identity: {
      kind: 'dimension',
      maps: 'error_groups',
      key: { columns: ['project_id', 'fingerprint'], narrow: 'fingerprint' },
    },
  },
  {
    table: 'error_events',
    columns: [
      'group_id',
      'project_id',
      'location_id',
      'device_id',
      'stack_trace',
      'url',
      'environment',
      'severity',
      'context',
      'created_at',
    ],
    entity: ErrorEventEntity,
    references: {
      project_id: project,
      group_id: { table: 'error_groups', required: true },
      location_id: location,
      device_id: device,
    },
    identity: { kind: 'event' },
  },
  {
    table: 'audit_logs',
    columns: ['project_id', 'action', 'actor', 'ip_hash', 'context', 'created_at'],
    entity: AuditLogEntity,
    references: { project_id: project },
    identity: { kind: 'event' },
  },
  {
    table: 'tracked_links',
    columns: ['project_id', 'code', 'destination_url', 'label', 'is_active', 'created_at'],
    entity: TrackedLinkEntity,
    references: { project_id: project },
    identity: {
      kind: 'dimension',
      maps: 'tracked_links',
      key: { columns: ['project_id', 'code'], narrow: 'project_id' },
    },
  },
  {
    table: 'link_clicks',
    columns: [
      'link_id',
      'project_id',
      'location_id',
      'device_id',
      'referrer_url',
      'referrer_category',
      'ip_hash',
      'created_at',
    ],
    entity: LinkClickEntity,
    references: {
      project_id: project,
      link_id: { table: 'tracked_links', required: true },
      location_id: location,
      device_id: device,
    },
    identity: { kind: 'event' },
  },
];

/** Every Micrologs table the import reads, in order. */
export const IMPORTED_TABLES = ['projects', ...IMPORT_STEPS.map((step) => step.table)];
