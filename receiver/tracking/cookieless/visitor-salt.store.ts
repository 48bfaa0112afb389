import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { VisitorSaltEntity } from '../../storage/entities/visitor-salt.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';

/** The `visitor_salts` table: one random salt per UTC day, shared by every receiver process. */
@Injectable()
export class VisitorSaltStore {
  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {}

  /**
   * The salt of `day`, created on first use. Processes racing to create it insert-or-ignore and
   * then all read the one row that won, so they derive the same ids.
   */
  async saltOf(day: string, now: Date): Promise<string> {
    const sql = new SqlRunner(this.dataSource);
    await sql.insertIgnore(VisitorSaltEntity, [
      { day, salt: randomBytes(32).toString('hex'), created_at: now },
    ]);
    const row = await this.dataSource.getRepository(VisitorSaltEntity).findOneByOrFail({ day });
    return row.salt;
  }

  /** Deletes the salts of days before `day`; returns how many were deleted. */
  async deleteBefore(day: string): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(VisitorSaltEntity)
      .where('day < :day', { day })
      .execute();
    return result.affected ?? 0;
  }

  /** The days whose salt still exists, oldest first. */
  async days(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(VisitorSaltEntity)
      .find({ select: { day: true }, order: { day: 'ASC' } });
    return rows.map((row) => row.day);
  }
}
