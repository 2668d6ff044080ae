import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const HEALTH_APPS = ['api-server', 'reality-server'] as const;
export type HealthApp = (typeof HEALTH_APPS)[number];

export const HEALTH_STATUSES = ['up', 'down'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/**
 * One dependency of one app as its readiness check saw it at one minute (issue #22, item 5). Platform
 * data, no tenant: written by the health-history job (ppt_jobs), read by the platform admins' API.
 */
@Entity('health_samples')
@Check('ck_health_samples_status', `"status" IN ('up', 'down')`)
// Range queries, keyset pages and the retention delete (migration 1795710000000).
@Index('ix_health_samples_recorded_at', ['recordedAt', 'id'])
export class HealthSample {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The minute of the run (every sample of one run has the same). */
  @Column({ type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'varchar', length: 40 })
  app!: HealthApp;

  /** A readiness check's name (`database`, `redis`, …), or `ready`: the app's own readiness verdict. */
  @Column({ type: 'varchar', length: 64 })
  dependency!: string;

  @Column({ type: 'varchar', length: 4 })
  status!: HealthStatus;

  @Column({ type: 'double precision' })
  latencyMs!: number;

  /** Why it was down (scrubbed, at most 300 characters). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  error!: string | null;
}
