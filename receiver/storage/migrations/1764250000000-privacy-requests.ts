import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * Access and erasure requests (GDPR Articles 15 and 17): the log of answered requests, and an
 * index that finds one actor's audit events without scanning a project's whole audit log.
 */
export class PrivacyRequests1764250000000 implements MigrationInterface {
  name = 'PrivacyRequests1764250000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.createTable(
      new Table({
        name: 'privacy_requests',
        columns: [
          c.id(true),
          c.int('project_id'),
          c.string('action', 16),
          c.string('subject_type', 16),
          c.string('subject_hash', 64),
          c.string('requested_by', 255, ''),
          c.string('credential', 32),
          c.text('row_counts'),
          c.time('created_at'),
        ],
        indices: [
          index('ix_privacy_requests_project_created', ['project_id', 'created_at']),
          index('ix_privacy_requests_subject', ['subject_hash']),
        ],
      }),
      false,
    );
    await runner.createIndex(
      'audit_logs',
      index('ix_audit_logs_project_actor', ['project_id', 'actor']),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('audit_logs', 'ix_audit_logs_project_actor');
    await runner.dropTable('privacy_requests');
  }
}
