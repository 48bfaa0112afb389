import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { SchemaColumns } from './schema-columns';

export const cascade = (column: string, table: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

export const index = (name: string, columns: string[], isUnique = false) =>
  new TableIndex({ name, columnNames: columns, isUnique });

/**
 * Tables of the Micrologs data model (contract section 6), in creation order, with the
 * contract's fixes: session tokens unique per project, JSON context kept as text. The
 * case-insensitive link-code key and the pageview URL index are added by the migration itself
 * (their SQL differs per engine).
 */
export function micrologsTables(c: SchemaColumns): Table[] {
  return [
    new Table({
      name: 'projects',
      columns: [
        c.id(),
        c.string('name', 100),
        c.string('secret_key', 64),
        c.string('public_key', 32),
        c.text('allowed_domains'),
        c.bool('is_active', true),
        c.string('signing_secret', 128, undefined, true),
        c.string('encryption_key', 64, undefined, true),
        c.string('token_policy', 16, 'auto'),
        c.time('created_at'),
        c.time('updated_at'),
      ],
      indices: [
        index('uq_projects_secret_key', ['secret_key'], true),
        index('uq_projects_public_key', ['public_key'], true),
        index('ix_projects_created_at', ['created_at']),
      ],
    }),
    new Table({
      name: 'visitors',
      columns: [
        c.id(true),
        c.int('project_id'),
        c.string('visitor_hash', 64),
        c.string('fingerprint_hash', 64, '', true),
        c.time('first_seen'),
        c.time('last_seen'),
      ],
      indices: [
        index('uq_visitors_project_hash', ['project_id', 'visitor_hash'], true),
        index('ix_visitors_project_fingerprint', ['project_id', 'fingerprint_hash']),
        index('ix_visitors_project_first_seen', ['project_id', 'first_seen']),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'sessions',
      columns: [
        c.id(true),
        c.int('project_id'),
        c.int('visitor_id', { big: true }),
        c.string('session_token', 64),
        c.time('started_at'),
        c.time('last_activity'),
        c.bool('is_bounced', true),
      ],
      indices: [
        index('uq_sessions_project_token', ['project_id', 'session_token'], true),
        index('ix_sessions_project_started', ['project_id', 'started_at']),
        index('ix_sessions_visitor', ['visitor_id']),
      ],
      foreignKeys: [cascade('project_id', 'projects'), cascade('visitor_id', 'visitors')],
    }),
    new Table({
      name: 'devices',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('device_type', 10, 'unknown'),
        c.string('os', 50, ''),
        c.string('browser', 50, ''),
        c.string('browser_version', 20, ''),
        c.time('created_at'),
      ],
      indices: [
        index(
          'uq_devices_signature',
          ['project_id', 'device_type', 'os', 'browser', 'browser_version'],
          true,
        ),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'locations',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('country', 100, ''),
        c.string('country_code', 2, ''),
        c.string('region', 100, ''),
        c.string('city', 100, ''),
        c.bool('is_vpn', false),
        c.time('created_at'),
      ],
      indices: [
        index('uq_locations_place', ['project_id', 'country_code', 'region', 'city'], true),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'pageviews',
      columns: [
        c.id(true),
        c.int('project_id'),
        c.int('session_id', { big: true }),
        c.int('visitor_id', { big: true }),
        c.int('location_id', { nullable: true }),
        c.int('device_id', { nullable: true }),
        c.string('url', 2048),
        c.string('page_title', 512, ''),
        c.string('referrer_url', 2048, ''),
        c.string('referrer_category', 20, 'unknown'),
        c.string('utm_source', 255, ''),
        c.string('utm_medium', 255, ''),
        c.string('utm_campaign', 255, ''),
        c.string('utm_content', 255, ''),
        c.string('utm_term', 255, ''),
        c.string('screen_resolution', 20, ''),
        c.string('timezone', 100, ''),
        c.time('created_at'),
      ],
      indices: [
        index('ix_pageviews_project_created', ['project_id', 'created_at']),
        index('ix_pageviews_project_referrer', ['project_id', 'referrer_category', 'created_at']),
        index('ix_pageviews_session', ['session_id']),
        index('ix_pageviews_visitor', ['visitor_id']),
        index('ix_pageviews_location', ['project_id', 'location_id']),
        index('ix_pageviews_device', ['project_id', 'device_id']),
      ],
    }),
    new Table({
      name: 'error_groups',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('fingerprint', 64),
        c.string('error_type', 100, ''),
        c.string('message', 1024, ''),
        c.string('file', 512, ''),
        c.int('line', { nullable: true }),
        c.string('severity', 10, 'error'),
        c.string('environment', 12, 'production'),
        c.string('status', 14, 'open'),
        c.int('occurrence_count', { default: 1 }),
        c.time('first_seen'),
        c.time('last_seen'),
      ],
      indices: [
        index('uq_error_groups_fingerprint', ['project_id', 'fingerprint'], true),
        index('ix_error_groups_status', ['project_id', 'status']),
        index('ix_error_groups_severity', ['project_id', 'severity']),
        index('ix_error_groups_last_seen', ['project_id', 'last_seen']),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'error_events',
      columns: [
        c.id(true),
        c.int('group_id'),
        c.int('project_id'),
        c.int('location_id', { nullable: true }),
        c.int('device_id', { nullable: true }),
        c.text('stack_trace', true),
        c.string('url', 2048, ''),
        c.string('environment', 12, 'production'),
        c.string('severity', 10, 'error'),
        c.text('context', true),
        c.time('created_at'),
      ],
      indices: [
        index('ix_error_events_project_created', ['project_id', 'created_at']),
        index('ix_error_events_group_created', ['group_id', 'created_at']),
      ],
      foreignKeys: [cascade('group_id', 'error_groups'), cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'audit_logs',
      columns: [
        c.id(true),
        c.int('project_id'),
        c.string('action', 100),
        c.string('actor', 255, ''),
        c.string('ip_hash', 64, ''),
        c.text('context', true),
        c.time('created_at'),
      ],
      indices: [
        index('ix_audit_logs_project_created', ['project_id', 'created_at']),
        index('ix_audit_logs_project_action', ['project_id', 'action', 'created_at']),
        index('ix_audit_logs_created', ['created_at']),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'tracked_links',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('code', 12),
        c.string('destination_url', 2048),
        c.string('label', 255, ''),
        c.bool('is_active', true),
        c.time('created_at'),
      ],
      indices: [index('ix_tracked_links_project_created', ['project_id', 'created_at'])],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'link_clicks',
      columns: [
        c.id(true),
        c.int('link_id'),
        c.int('project_id'),
        c.int('location_id', { nullable: true }),
        c.int('device_id', { nullable: true }),
        c.string('referrer_url', 2048, ''),
        c.string('referrer_category', 20, 'unknown'),
        c.string('ip_hash', 64, ''),
        c.time('created_at'),
      ],
      indices: [
        index('ix_link_clicks_link_created', ['link_id', 'created_at']),
        index('ix_link_clicks_project_created', ['project_id', 'created_at']),
        index('ix_link_clicks_created', ['created_at']),
      ],
      foreignKeys: [cascade('link_id', 'tracked_links'), cascade('project_id', 'projects')],
    }),
  ];
}
