import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LifecycleLeaseEntity } from '../storage/entities/lifecycle-lease.entity';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { PURGE_LEASE, PURGE_LEASE_MS } from './lifecycle.constants';

/**
 * The purge's lease in the shared database: of several receivers on one database only the
 * holder purges. Taking it is an insert that skips an existing row, then an update that only
 * succeeds on a free, expired or own lease — both atomic on every engine, so two processes never
 * both believe they hold it.
 */
@Injectable()
export class PurgeLease {
  /** This process's id as a lease holder. */
  readonly holder = randomBytes(16).toString('hex');
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** Takes or renews the lease for {@link PURGE_LEASE_MS}; `false` when another process holds it. */
  async acquire(now = Date.now()): Promise<boolean> {
    const expires = new Date(now + PURGE_LEASE_MS);
    await this.sql.insertIgnore(LifecycleLeaseEntity, [
      { name: PURGE_LEASE, holder: this.holder, expires_at: expires },
    ]);
    const table = this.sql.table(LifecycleLeaseEntity);
    await this.sql.run(
      (p) =>
        `UPDATE ${table} SET holder = ${p.add(this.holder)}, ` +
        `expires_at = ${p.add(this.sql.value(LifecycleLeaseEntity, 'expires_at', expires))} ` +
        `WHERE name = ${p.add(PURGE_LEASE)} AND (holder = ${p.add(this.holder)} ` +
        `OR expires_at < ${p.instant(now)})`,
    );
    const row = await this.sql.row<{ holder: string } | undefined>(
      (p) => `SELECT holder FROM ${table} WHERE name = ${p.add(PURGE_LEASE)}`,
    );
    return row?.holder === this.holder;
  }

  /** Gives the lease back (only if this process still holds it). */
  async release(): Promise<void> {
    const table = this.sql.table(LifecycleLeaseEntity);
    await this.sql.run(
      (p) =>
        `DELETE FROM ${table} WHERE name = ${p.add(PURGE_LEASE)} AND holder = ${p.add(this.holder)}`,
    );
  }
}
