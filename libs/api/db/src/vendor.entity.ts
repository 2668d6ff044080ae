import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/** A contractor a fault can be handed to. */
@Entity('vendors')
@Index('uq_vendors_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_vendors_org_name', ['organizationId', 'name'])
@Index('ix_vendors_name_trgm', { synchronize: false })
@Index('ix_vendors_trade_trgm', { synchronize: false })
export class Vendor extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  trade!: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;
}
