import { Table } from 'typeorm';
import { cascade, index } from './micrologs.tables';
import type { SchemaColumns } from './schema-columns';

/** Telemetry tables: hosts, samples, latest values, token hashes, signatures seen, flags. */
export function telemetryTables(c: SchemaColumns): Table[] {
  return [
    new Table({
      name: 'telemetry_hosts',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('host', 191),
        c.string('status', 10, 'approved'),
        c.text('response_extras'),
        c.time('first_seen'),
        c.time('last_seen', true),
        c.int('report_count', { default: 0 }),
        c.double('avg_interval_seconds'),
      ],
      indices: [index('uq_telemetry_hosts_host', ['project_id', 'host'], true)],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'telemetry_samples',
      columns: [
        c.id(true),
        c.int('project_id'),
        c.int('host_id'),
        c.string('key', 191),
        c.text('value'),
        c.double('numeric_value'),
        c.time('collected_at'),
        c.time('received_at'),
      ],
      indices: [
        index('uq_telemetry_samples_point', ['project_id', 'host_id', 'key', 'collected_at'], true),
        index('ix_telemetry_samples_host_key', ['host_id', 'key', 'collected_at']),
      ],
      foreignKeys: [cascade('project_id', 'projects'), cascade('host_id', 'telemetry_hosts')],
    }),
    new Table({
      name: 'telemetry_latest',
      columns: [
        c.id(),
        c.int('project_id'),
        c.int('host_id'),
        c.string('key', 191),
        c.text('value'),
        c.time('collected_at'),
        c.time('received_at'),
      ],
      indices: [index('uq_telemetry_latest_key', ['host_id', 'key'], true)],
      foreignKeys: [cascade('project_id', 'projects'), cascade('host_id', 'telemetry_hosts')],
    }),
    new Table({
      name: 'telemetry_tokens',
      columns: [
        c.id(),
        c.int('project_id'),
        c.int('host_id'),
        c.string('token_hash', 64),
        c.time('created_at'),
        c.time('last_used_at', true),
      ],
      indices: [index('uq_telemetry_tokens_hash', ['token_hash'], true)],
      foreignKeys: [cascade('project_id', 'projects'), cascade('host_id', 'telemetry_hosts')],
    }),
    new Table({
      name: 'telemetry_signatures',
      columns: [c.id(), c.int('project_id'), c.string('signature', 64), c.time('created_at')],
      indices: [
        index('uq_telemetry_signatures', ['project_id', 'signature'], true),
        index('ix_telemetry_signatures_created', ['created_at']),
      ],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
    new Table({
      name: 'feature_flags',
      columns: [
        c.id(),
        c.int('project_id'),
        c.string('name', 191),
        c.text('description'),
        c.text('default_value'),
        c.text('host_overrides'),
        c.text('rollout', true),
        c.time('created_at'),
        c.time('updated_at'),
      ],
      indices: [index('uq_feature_flags_name', ['project_id', 'name'], true)],
      foreignKeys: [cascade('project_id', 'projects')],
    }),
  ];
}
