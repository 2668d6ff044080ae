import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Person } from './person.entity';
import { TenantEntity, sameOrganization } from './tenant.entity';
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
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('person_id'))
  person?: Person;

  @Column({ type: 'enum', enum: OCCUPANT_RELATIONS, enumName: 'occupant_relation' })
  relation!: OccupantRelation;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date', nullable: true })
  endsOn!: string | null;
}
