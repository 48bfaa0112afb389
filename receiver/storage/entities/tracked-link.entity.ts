import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A short link. `code` is unique case-insensitively across all projects (enforced by the
 * database: an index on LOWER(code), or a generated lower-case column on MySQL/MariaDB).
 */
@Entity('tracked_links')
export class TrackedLinkEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 12 })
  code!: string;

  @Column({ type: 'varchar', length: 2048 })
  destination_url!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  label!: string;

  @Column({ type: Boolean, default: true })
  is_active!: boolean;

  @Column({ type: Date })
  created_at!: Date;
}
