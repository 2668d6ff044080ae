import { Injectable } from '@nestjs/common';
import type { OrganizationScope } from '@ppt/db';
import type { Unit } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import {
  referencedAs,
  type RequestMeta,
  type Tenant,
  type TenantTransaction,
  TenantUnitOfWork,
} from '@ppt/api-shared';
import { BuildingsService } from '../buildings/buildings.service';
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
    private readonly tenant: TenantUnitOfWork,
    private readonly units: UnitsRepository,
    private readonly buildings: BuildingsService,
    private readonly people: PeopleService,
    private readonly residents: ResidentScope,
  ) {}

  /**
   * The unit of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * unit (they never use the repository).
   */
  findById(scope: OrganizationScope, id: string): Promise<Unit | null> {
    return this.units.findById(scope, id);
  }

  /** Staff see every unit; owners and tenants the units they currently own or live in. */
  list(t: Tenant, query: ListUnitsQueryDto): Promise<Page<UnitResponse>> {
    return this.tenant.run(t, async (tx) => {
      const onlyIds = (await this.residents.unitIds(tx.manager, t)) ?? undefined;
      const [items, total] = await this.units.list(tx, { ...query, onlyIds });
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * Where the caller lives or owns now (the WebSocket room policy): each unit with its building and
   * since when the caller has been there (events before that are not theirs).
   */
  residence(t: Tenant): Promise<{ unitId: string; buildingId: string; since: Date }[]> {
    return this.tenant.run(t, (tx) => this.units.residencesOfUser(tx, t.userId));
  }

  get(t: Tenant, id: string): Promise<UnitResponse> {
    return this.tenant.run(t, async (tx) => {
      if (!(await this.residents.canSee(tx.manager, t, id))) throw notFound();
      return toResponse(await this.mustFind(tx, id));
    });
  }

  occupants(t: Tenant, unitId: string): Promise<OccupantResponse[]> {
    return this.tenant.run(t, async (tx) => {
      await this.mustFind(tx, unitId);
      return (await this.units.listOccupants(tx, unitId)).map((o) => ({
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
    return this.tenant.run(
      t,
      async (tx) => {
        await this.mustFind(tx, unitId);
        const person = await this.people.findById(tx, dto.personId);
        if (!person) throw new UnitError(UnitErrorCode.PersonNotFound, 'Person not found');
        const occupant = await this.units.addOccupant(tx, { unitId, ...dto });
        await tx.auditChange({ type: 'unit', id: unitId, verb: 'updated' }, null, {
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
      },
      meta,
    );
  }

  endOccupancy(
    t: Tenant,
    unitId: string,
    occupantId: string,
    endsOn: string,
    meta: RequestMeta,
  ): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const occupant = await this.units.findOccupant(tx, unitId, occupantId);
        if (!occupant) throw new UnitError(UnitErrorCode.OccupantNotFound, 'Occupant not found');
        if (endsOn < occupant.startsOn)
          throw new UnitError(UnitErrorCode.InvalidDates, 'The end date is before the start date');
        await this.units.endOccupant(tx, occupantId, endsOn);
        await tx.auditChange(
          { type: 'unit', id: unitId, verb: 'updated' },
          { occupantEndsOn: occupant.endsOn },
          { occupantEndsOn: endsOn },
        );
      },
      meta,
    );
  }

  create(t: Tenant, dto: CreateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        // Lock the building so it cannot be deleted or archived while a unit is added to it.
        const building = await this.buildings.findForUpdate(tx, dto.buildingId);
        if (!building) throw new UnitError(UnitErrorCode.BuildingNotFound, 'Building not found');
        if (building.archivedAt)
          throw new UnitError(UnitErrorCode.BuildingArchived, 'The building is archived');
        const unit = await this.units.create(tx, dto).catch(numberTaken);
        await tx.auditChange({ type: 'unit', id: unit.id, verb: 'created' }, null, snapshot(unit));
        return toResponse(unit);
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateUnitDto, meta: RequestMeta): Promise<UnitResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.units.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.units.update(tx, id, dto).catch(numberTaken);
        const after = await this.mustFind(tx, id);
        await tx.auditChange({ type: 'unit', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return toResponse(after);
      },
      meta,
    );
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.units.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.units
          .delete(tx, id)
          .catch(
            referencedAs(
              () =>
                new UnitError(
                  UnitErrorCode.InUse,
                  'Leases, votes, listings or documents still refer to this unit; it cannot be deleted',
                ),
            ),
          );
        await tx.auditChange({ type: 'unit', id, verb: 'deleted' }, snapshot(before), null);
      },
      meta,
    );
  }

  private async mustFind(tx: TenantTransaction, id: string): Promise<Unit> {
    const unit = await this.units.findById(tx, id);
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
