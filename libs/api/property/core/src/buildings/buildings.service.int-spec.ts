import { IdentityEnv } from '@ppt/api-identity-core';
import { MailEnv } from '@ppt/api-shared';
import { ServiceTestContext, TEST_REQUEST_META as meta, type TestMember } from '@ppt/api-testing';
import { AuditLogEntry, Building, Unit, type Organization } from '@ppt/api-db';
import { BuildingsService, ListBuildingsQueryDto, UnitsCoreModule, UnitsService } from '../index';

const listQuery = (overrides: Partial<ListBuildingsQueryDto> = {}) =>
  Object.assign(new ListBuildingsQueryDto(), { limit: 100, offset: 0 }, overrides);

describe('BuildingsService and UnitsService (service tier)', () => {
  let ctx: ServiceTestContext;
  let buildings: BuildingsService;
  let units: UnitsService;
  let orgA: Organization;
  let managerA: TestMember;
  let managerB: TestMember;

  beforeAll(async () => {
    ctx = await ServiceTestContext.create({ imports: [UnitsCoreModule], envSlices: [IdentityEnv, MailEnv] });
    buildings = ctx.get(BuildingsService);
    units = ctx.get(UnitsService);
    orgA = await ctx.newOrganization();
    managerA = await ctx.newMember(orgA, 'manager');
    managerB = await ctx.newMember(await ctx.newOrganization(), 'manager');
  });
  afterAll(() => ctx.close());

  it('reads no building of another organisation: RLS and the organisation filter agree at service level', async () => {
    const theirs = await ctx.newBuilding({ id: managerB.organizationId }, { name: 'Beta House' });

    await expect(buildings.get(managerA, theirs.id)).rejects.toMatchObject({ code: 'BUILDING_NOT_FOUND' });
    expect((await buildings.list(managerA, listQuery())).items.map((b) => b.id)).not.toContain(theirs.id);
    await expect(buildings.update(managerA, theirs.id, { name: 'Stolen' }, meta)).rejects.toMatchObject({
      code: 'BUILDING_NOT_FOUND',
    });
    await expect(units.create(managerA, { buildingId: theirs.id, number: '99' }, meta)).rejects.toMatchObject(
      {
        code: 'BUILDING_NOT_FOUND',
      },
    );
    // Row-level security alone, without the repositories' filter: api-server's role sees none of B's rows.
    const visible = await ctx.asTenant(managerA, (m) => m.find(Building, { where: { id: theirs.id } }));
    expect(visible).toEqual([]);
    expect(await ctx.owner.getRepository(Building).findOneByOrFail({ id: theirs.id })).toMatchObject({
      name: 'Beta House',
    });
  });

  it('audits a change in the same transaction, with a before/after diff of the changed fields only', async () => {
    const created = await buildings.create(
      managerA,
      { name: 'Audited', addressLine: 'A 1', city: 'Brno', postalCode: '60200', country: 'CZ', floors: 6 },
      meta,
    );
    await buildings.update(managerA, created.id, { name: 'Audited 2', floors: 7 }, meta);

    const entries = await ctx.owner
      .getRepository(AuditLogEntry)
      .find({ where: { entityId: created.id }, order: { createdAt: 'ASC' } });
    expect(entries.map((e) => e.action)).toEqual(['building.created', 'building.updated']);
    expect(entries[1].details).toMatchObject({
      changes: { name: { before: 'Audited', after: 'Audited 2' }, floors: { before: 6, after: 7 } },
    });
    expect(Object.keys((entries[1].details as { changes: object }).changes).sort()).toEqual([
      'floors',
      'name',
    ]);
  });

  it('refuses a manager who is not a member of the organisation (422 MANAGER_NOT_A_MEMBER)', async () => {
    const outsider = await ctx.newUser();
    await expect(
      buildings.create(
        managerA,
        {
          name: 'X',
          addressLine: 'A 1',
          city: 'Brno',
          postalCode: '60200',
          country: 'CZ',
          managerUserId: outsider.id,
        },
        meta,
      ),
    ).rejects.toMatchObject({ code: 'MANAGER_NOT_A_MEMBER', status: 422 });
    const member = await ctx.newMember(orgA, 'technical_manager');
    const created = await buildings.create(
      managerA,
      {
        name: 'Y',
        addressLine: 'A 1',
        city: 'Brno',
        postalCode: '60200',
        country: 'CZ',
        managerUserId: member.userId,
      },
      meta,
    );
    expect(created.managerUserId).toBe(member.userId);
  });

  it('keeps unit numbers unique per building, counts units, and refuses to delete a building that has some', async () => {
    const building = await ctx.newBuilding(orgA);
    const other = await ctx.newBuilding(orgA);
    const first = await units.create(managerA, { buildingId: building.id, number: '1.01' }, meta);
    await expect(
      units.create(managerA, { buildingId: building.id, number: '1.01' }, meta),
    ).rejects.toMatchObject({
      code: 'UNIT_NUMBER_TAKEN',
      status: 409,
    });
    await units.create(managerA, { buildingId: other.id, number: '1.01' }, meta);
    const second = await units.create(managerA, { buildingId: building.id, number: '1.02' }, meta);
    await expect(units.update(managerA, second.id, { number: '1.01' }, meta)).rejects.toMatchObject({
      code: 'UNIT_NUMBER_TAKEN',
    });
    expect((await buildings.get(managerA, building.id)).unitCount).toBe(2);

    await expect(buildings.delete(managerA, building.id, meta)).rejects.toMatchObject({
      code: 'BUILDING_HAS_UNITS',
      status: 409,
    });
    await units.delete(managerA, first.id, meta);
    await units.delete(managerA, second.id, meta);
    await buildings.delete(managerA, building.id, meta);
    await expect(buildings.get(managerA, building.id)).rejects.toMatchObject({ code: 'BUILDING_NOT_FOUND' });
  });

  it('archives a building: it leaves the default list, keeps its units and takes no new ones', async () => {
    const building = await ctx.newBuilding(orgA);
    const unit = await ctx.newUnit(building, { number: 'A' });

    const archived = await buildings.archive(managerA, building.id, meta);
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(archived.unitCount).toBe(1);
    // Archiving twice keeps the first time.
    expect((await buildings.archive(managerA, building.id, meta)).archivedAt).toEqual(archived.archivedAt);

    expect((await buildings.list(managerA, listQuery())).items.map((b) => b.id)).not.toContain(building.id);
    expect(
      (await buildings.list(managerA, listQuery({ includeArchived: true }))).items.map((b) => b.id),
    ).toContain(building.id);
    await expect(
      units.create(managerA, { buildingId: building.id, number: 'B' }, meta),
    ).rejects.toMatchObject({
      code: 'BUILDING_ARCHIVED',
      status: 409,
    });
    expect(await ctx.owner.getRepository(Unit).findOneByOrFail({ id: unit.id })).toMatchObject({
      number: 'A',
    });
  });
});
