import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A distinct location (country / region / city) per project. */
@Entity('locations')
export class LocationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 100, default: '' })
  country!: string;

  @Column({ type: 'varchar', length: 2, default: '' })
  country_code!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  region!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  city!: string;

  /** Always false (Micrologs never detects VPNs). */
  @Column({ type: Boolean, default: false })
  is_vpn!: boolean;

  @Column({ type: Date })
  created_at!: Date;
}
