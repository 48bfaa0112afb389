import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The contract's three types, the further `ua-parser-js` types `userAgentDetail: 'detailed'`
 * keeps, and the schema's default `unknown` (never written by the receiver).
 */
export type DeviceType =
  | 'desktop'
  | 'mobile'
  | 'tablet'
  | 'smarttv'
  | 'console'
  | 'wearable'
  | 'xr'
  | 'embedded'
  | 'unknown';

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
