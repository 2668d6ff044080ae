import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { User } from './user.entity';

/** An owner, tenant or household member known to the organisation; may be linked to a user account. */
@Entity('people')
@Index('uq_people_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_people_org_last_name', ['organizationId', 'lastName'])
export class Person extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  firstName!: string;

  @Column({ type: 'varchar', length: 100 })
  lastName!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}
