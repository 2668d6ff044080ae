import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Person } from './person.entity';
import { TenantEntity } from './tenant.entity';
import { Unit } from './unit.entity';

export const OCCUPANT_RELATIONS = ['owner', 'tenant', 'household_member'] as const;
export type OccupantRelation = (typeof OCCUPANT_RELATIONS)[number];

/** A person's relation to a unit for a period (ends_on null: still current). */
@Entity('unit_occupants')
@Check('ck_unit_occupants_dates', '"ends_on" IS NULL OR "ends_on" >= "starts_on"')
@Index('ix_unit_occupants_org_unit', ['organizationId', 'unitId'])
@Index('ix_unit_occupants_org_person', ['organizationId', 'personId'])
export class UnitOccupant extends TenantEntity {
  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'unit_id', referencedColumnName: 'id' },
    { name: 'organization_id', referencedColumnName: 'organizationId' },
  ])
  unit?: Unit;

  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'person_id', referencedColumnName: 'id' },
    { name: 'organization_id', referencedColumnName: 'organizationId' },
  ])
  person?: Person;

  @Column({ type: 'enum', enum: OCCUPANT_RELATIONS, enumName: 'occupant_relation' })
  relation!: OccupantRelation;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date', nullable: true })
  endsOn!: string | null;
}
