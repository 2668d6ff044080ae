import { IdentityEnv } from '@ppt/api-identity-core';
import { MailEnv } from '@ppt/api-shared';
import { ServiceTestContext, TEST_REQUEST_META as meta, type TestMember } from '@ppt/api-testing';
import { AuditLogEntry, Building, Unit, UnitOccupant } from '@ppt/api-db';
import { BuildingsService, ListUnitsQueryDto, UnitsCoreModule, UnitsService } from '../index';

const listQuery = (overrides: Partial<ListUnitsQueryDto> = {}) =>
  Object.assign(new ListUnitsQueryDto(), { limit: 100, offset: 0, sort: 'number' }, overrides);

/** The units and buildings methods moved onto the tenant unit of work: isolation and audit. */
describe('UnitsService on the tenant unit of work (service tier)', () => {
  let ctx: ServiceTestContext;
  let units: UnitsService;
  let buildings: BuildingsService;
  let managerA: TestMember;
  let managerB: TestMember;
  let theirBuilding: Building;
  let theirUnit: Unit;

  beforeAll(async () => {
    ctx = await ServiceTestContext.create({ imports: [UnitsCoreModule], envSlices: [IdentityEnv, MailEnv] });
    units = ctx.get(UnitsService);
    buildings = ctx.get(BuildingsService);
    managerA = await ctx.newMember(await ctx.newOrganization(), 'manager');
    managerB = await ctx.newMember(await ctx.newOrganization(), 'manager');
    theirBuilding = await ctx.newBuilding({ id: managerB.organizationId });
    theirUnit = await ctx.newUnit(theirBuilding, { number: 'B-1' });
  });
  afterAll(() => ctx.close());

  const auditOf = (entityId: string) =>
    ctx.owner.getRepository(AuditLogEntry).find({ where: { entityId }, order: { createdAt: 'ASC' } });

  it("neither reads nor changes another organisation's unit, its occupants or its building", async () => {
    const notFound = { code: 'UNIT_NOT_FOUND' };
    await expect(units.get(managerA, theirUnit.id)).rejects.toMatchObject(notFound);
    await expect(units.occupants(managerA, theirUnit.id)).rejects.toMatchObject(notFound);
    await expect(units.update(managerA, theirUnit.id, { number: 'stolen' }, meta)).rejects.toMatchObject(
      notFound,
    );
    await expect(units.delete(managerA, theirUnit.id, meta)).rejects.toMatchObject(notFound);
    const person = await ctx.newPerson({ id: managerA.organizationId });
    await expect(
      units.addOccupant(
        managerA,
        theirUnit.id,
        { personId: person.id, relation: 'tenant', startsOn: '2026-01-01' },
        meta,
      ),
    ).rejects.toMatchObject(notFound);
    expect((await units.list(managerA, listQuery())).items.map((u) => u.id)).not.toContain(theirUnit.id);
    await expect(buildings.archive(managerA, theirBuilding.id, meta)).rejects.toMatchObject({
      code: 'BUILDING_NOT_FOUND',
    });
    await expect(buildings.delete(managerA, theirBuilding.id, meta)).rejects.toMatchObject({
      code: 'BUILDING_NOT_FOUND',
    });

    // Untouched, and nothing audited in their name.
    expect(await ctx.owner.getRepository(Unit).findOneByOrFail({ id: theirUnit.id })).toMatchObject({
      number: 'B-1',
    });
    expect(await ctx.owner.getRepository(Building).findOneByOrFail({ id: theirBuilding.id })).toMatchObject({
      archivedAt: null,
    });
    expect(await auditOf(theirUnit.id)).toEqual([]);
    expect(await auditOf(theirBuilding.id)).toEqual([]);
  });

  it('audits a unit through its life in its transactions: created, occupant added and ended, updated, deleted', async () => {
    const building = await ctx.newBuilding({ id: managerA.organizationId });
    const person = await ctx.newPerson({ id: managerA.organizationId });
    const unit = await units.create(managerA, { buildingId: building.id, number: '2.01', floor: 2 }, meta);
    const occupant = await units.addOccupant(
      managerA,
      unit.id,
      { personId: person.id, relation: 'tenant', startsOn: '2026-01-01' },
      meta,
    );
    await units.endOccupancy(managerA, unit.id, occupant.id, '2026-06-30', meta);
    expect(await ctx.owner.getRepository(UnitOccupant).findOneByOrFail({ id: occupant.id })).toMatchObject({
      endsOn: '2026-06-30',
    });
    await units.update(managerA, unit.id, { floor: 3 }, meta);
    await units.delete(managerA, unit.id, meta);

    const entries = await auditOf(unit.id);
    expect(entries.map((e) => e.action)).toEqual([
      'unit.created',
      'unit.updated',
      'unit.updated',
      'unit.updated',
      'unit.deleted',
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({ organizationId: managerA.organizationId, actorUserId: managerA.userId });
      expect(e.requestId).toBe(meta.requestId);
    }
    expect(entries[1].details).toMatchObject({
      changes: { occupant: { before: null, after: expect.objectContaining({ personId: person.id }) } },
    });
    expect(entries[2].details).toMatchObject({
      changes: { occupantEndsOn: { before: null, after: '2026-06-30' } },
    });
    expect(entries[3].details).toEqual({ changes: { floor: { before: 2, after: 3 } } });
  });

  it('a refused change writes no audit row (the change and its audit commit together or not at all)', async () => {
    const building = await ctx.newBuilding({ id: managerA.organizationId });
    await ctx.newUnit(building, { number: 'X' });
    const second = await units.create(managerA, { buildingId: building.id, number: 'Y' }, meta);
    await expect(units.update(managerA, second.id, { number: 'X' }, meta)).rejects.toMatchObject({
      code: 'UNIT_NUMBER_TAKEN',
    });
    await expect(buildings.delete(managerA, building.id, meta)).rejects.toMatchObject({
      code: 'BUILDING_HAS_UNITS',
    });
    expect((await auditOf(second.id)).map((e) => e.action)).toEqual(['unit.created']);
    expect(await auditOf(building.id)).toEqual([]);

    const archived = await buildings.archive(managerA, building.id, meta);
    expect((await auditOf(building.id)).map((e) => [e.action, e.details])).toEqual([
      [
        'building.archived',
        { changes: { archivedAt: { before: null, after: archived.archivedAt?.toISOString() } } },
      ],
    ]);
  });
});
