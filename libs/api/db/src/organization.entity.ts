import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from './base.entity';

/** A tenant: an HOA, a building manager or a rental company. Everything it owns is scoped to it. */
@Entity('organizations')
export class Organization extends BaseEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** URL-safe, unique handle. */
  @Index('uq_organizations_slug', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  slug!: string;
}
