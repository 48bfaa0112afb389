import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer, nullableJsonTransformer } from '../column.transformers';

/** Percentage rollout: hosts whose stable hash falls under `percent` get `value`. */
export interface FlagRollout {
  percent: number;
  value: unknown;
}

/** A feature flag of a project; values are any JSON. */
@Entity('feature_flags')
export class FeatureFlagEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 191 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  default_value!: unknown;

  /** Per-host values: `{ "<host>": <value> }`. */
  @Column({ type: 'text', transformer: jsonTransformer })
  host_overrides!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true, transformer: nullableJsonTransformer })
  rollout!: FlagRollout | null;

  @Column({ type: Date })
  created_at!: Date;

  @Column({ type: Date })
  updated_at!: Date;
}
