import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** How a telemetry host obtains a bearer token. */
export type TokenPolicy = 'auto' | 'approval';

/** A Micrologs project: keys, allowed domains, and the telemetry security settings. */
@Entity('projects')
export class ProjectEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** 64 lower-case hex chars; only returned by create and regenerate-keys. */
  @Column({ type: 'varchar', length: 64 })
  secret_key!: string;

  /** 32 lower-case hex chars. */
  @Column({ type: 'varchar', length: 32 })
  public_key!: string;

  /** Cleaned domains, comma-joined (as in Micrologs). */
  @Column({ type: 'text' })
  allowed_domains!: string;

  @Column({ type: Boolean, default: true })
  is_active!: boolean;

  /** HMAC key telemetry reports must be signed with; `null` = signatures not required. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  signing_secret!: string | null;

  /** AES-256-GCM key (64 hex chars) of encrypted reports; `null` = encryption not accepted. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  encryption_key!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'auto' })
  token_policy!: TokenPolicy;

  /** Days raw pageviews are kept; `null` = the receiver's default, `0` = forever. */
  @Column({ type: 'integer', nullable: true })
  retention_pageviews_days!: number | null;

  /** Days error events are kept; `null` = the receiver's default, `0` = forever. */
  @Column({ type: 'integer', nullable: true })
  retention_errors_days!: number | null;

  /** Days audit logs are kept; `null` = the receiver's default, `0` = forever. */
  @Column({ type: 'integer', nullable: true })
  retention_audit_days!: number | null;

  /** Days link clicks are kept; `null` = the receiver's default, `0` = forever. */
  @Column({ type: 'integer', nullable: true })
  retention_clicks_days!: number | null;

  /** Days telemetry samples are kept; `null` = the receiver's default, `0` = forever. */
  @Column({ type: 'integer', nullable: true })
  retention_telemetry_days!: number | null;
  /**
   * Cookieless mode: pageviews get a visitor id derived from a daily salt, the project, the IP
   * and the user agent, and sessions from 30 minutes of inactivity; client ids are ignored.
   */
  @Column({ type: Boolean, default: false })
  cookieless!: boolean;

  @Column({ type: Date })
  created_at!: Date;

  @Column({ type: Date })
  updated_at!: Date;
}
