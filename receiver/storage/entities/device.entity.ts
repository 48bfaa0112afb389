import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'unknown';

/** A distinct device signature per project. */
@Entity('devices')
export class DeviceEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 10, default: 'unknown' })
  device_type!: DeviceType;

  @Column({ type: 'varchar', length: 50, default: '' })
  os!: string;

  @Column({ type: 'varchar', length: 50, default: '' })
  browser!: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  browser_version!: string;

  @Column({ type: Date })
  created_at!: Date;
}
