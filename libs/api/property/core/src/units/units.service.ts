import { Injectable } from '@nestjs/common';
import { type Unit } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '@ppt/http';
import { referencedAs } from '@ppt/api-shared';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { BuildingsRepository } from '../buildings/buildings.repository';
import { PeopleService } from '../people/people.service';
import type {
  AddOccupantDto,
  CreateUnitDto,
  ListUnitsQueryDto,
  OccupantResponse,
  UnitResponse,
  UpdateUnitDto,
} from './dto/unit.dto';
import { ResidentScope } from './resident-scope';
import { UnitError, UnitErrorCode } from './units.errors';
import { UnitsRepository } from './units.repository';

/** Units of the caller's organisation; numbers are unique per building; every change is audited. */
@Injectable()
export class UnitsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly units: UnitsRepository,
    private readonly buildings: BuildingsRepository,
    private readonly people: PeopleService,
    private readonly residents: ResidentScope,
    private readonly audit: AuditService,
  ) {}

  /**
   * The unit of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * unit (they never use the repository).
   */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Unit | null> {
    return this.units.findById(m, organizationId, id);
  }

  /** Staff see every unit; owners and tenants the units they currently own or live in. */
  list(t: Tenant, query: ListUnitsQueryDto): Promise<Page<UnitResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const onlyIds = (await this.residents.unitIds(m, t)) ?? undefined;
      const [items, total] = await this.units.list(m, t.organizationId, { ...query, onlyIds });
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * Where the caller lives or owns now (the WebSocket room policy): each unit with its building and
   * since when the caller has been there (events before that are not theirs).
   */
  residence(t: Tenant): Promise<{ unitId: string; buildingId: string; since: Date }[]> {
    return this.tenant.run(scopeOf(t), (m) => this.units.residencesOfUser(m, t.organizationId, t.userId));
  }

  get(t: Tenant, id: string): Promise<UnitResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.residents.canSee(m, t, id))) throw notFound();
      return toResponse(await this.mustFind(m, t, id));
    });
  }

  occupants(t: Tenant, unitId: string): Promise<OccupantResponse[]> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.mustFind(m, t, unitId);
      return (await this.units.listOccupants(m, t.organizationId, unitId)).map((o) => ({
        id: o.id,
        personId: o.personId,
        personName: `${o.person.firstName} ${o.person.lastName}`,
        relation: o.relation,
        startsOn: o.startsOn,
        endsOn: o.endsOn,
      }));
    });
  }

  addOccupant(t: Tenant, unitId: string, dto: AddOccupantDto, meta: RequestMeta): Promise<OccupantResponse> {
    if (dto.endsOn && dto.endsOn < dto.startsOn)
      throw new UnitError(UnitErrorCode.InvalidDates, 'The end date is before the start date');
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.mustFind(m, t, unitId);
      const person = await this.people.findById(m, t.organizationId, dto.personId);
      if (!person) throw new UnitError(UnitErrorCode.PersonNotFound, 'Person not found');
      const occupant = await this.units.addOccupant(m, t.organizationId, { unitId, ...dto });
      await this.audit.recordChange(m, t, meta, { type: 'unit', id: unitId, verb: 'updated' }, null, {
        occupant: {
          personId: dto.personId,
          relation: dto.relation,
          startsOn: dto.startsOn,
          endsOn: dto.endsOn ?? null,
        },
      });
      return {
        id: occupant.id,
        personId: person.id,
        personName: `${person.firstName} ${person.lastName}`,
        relation: occupant.relation,
        startsOn: occupant.startsOn,
        endsOn: occupant.endsOn,
      };
    });
  }

  endOccupancy(
    t: Tenant,
    unitId: string,
    occupantId: string,
    endsOn: string,
    meta: RequestMeta,
  ): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const occupant = await this.units.findOccupant(m, t.organizationId, unitId, occupantId);
      if (!occupant) throw new UnitError(UnitErrorCode.OccupantNotFound, 'Occupant not found');
      if (endsOn < occupant.startsOn)
        throw new UnitError(UnitErrorCode.InvalidDates, 'The end date is before the start date');
      await this.units.endOccupant(m, t.organizationId, occupantId, endsOn);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id: unitId, verb: 'updated' },
        { occupantEndsOn: occupant.endsOn },
        { occupantEndsOn: endsOn },
      );
    });
  }

  create(t: Tenant, dto: CreateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      // Lock the building so it cannot be deleted or archived while a unit is added to it.
      const building = await this.buildings.findForUpdate(m, t.organizationId, dto.buildingId);
      if (!building) throw new UnitError(UnitErrorCode.BuildingNotFound, 'Building not found');
      if (building.archivedAt)
        throw new UnitError(UnitErrorCode.BuildingArchived, 'The building is archived');
      const unit = await this.units.create(m, t.organizationId, dto).catch(numberTaken);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id: unit.id, verb: 'created' },
        null,
        snapshot(unit),
      );
      return toResponse(unit);
    });
  }

  update(t: Tenant, id: string, dto: UpdateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.units.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.units.update(m, t.organizationId, id, dto).catch(numberTaken);
      const after = await this.mustFind(m, t, id);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.units.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.units
        .delete(m, t.organizationId, id)
        .catch(
          referencedAs(
            () =>
              new UnitError(
                UnitErrorCode.InUse,
                'Leases, votes, listings or documents still refer to this unit; it cannot be deleted',
              ),
          ),
        );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'unit', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string): Promise<Unit> {
    const unit = await this.units.findById(m, t.organizationId, id);
    if (!unit) throw notFound();
    return unit;
  }
}

function notFound(): UnitError {
  return new UnitError(UnitErrorCode.NotFound, 'Unit not found');
}

function numberTaken(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'uq_units_org_building_number') {
    throw new UnitError(UnitErrorCode.NumberTaken, 'A unit with this number already exists in the building');
  }
  throw err;
}

function snapshot(u: Unit): Record<string, unknown> {
  const { organization: _o, building: _b, ...fields } = u;
  return fields;
}

function toResponse(u: Unit): UnitResponse {
  return {
    id: u.id,
    buildingId: u.buildingId,
    number: u.number,
    floor: u.floor,
    areaM2: u.areaM2,
    rooms: u.rooms,
    type: u.type,
    ownershipShareNumerator: u.ownershipShareNumerator,
    ownershipShareDenominator: u.ownershipShareDenominator,
    status: u.status,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}
