import { mayManage, residentMaySee } from './document-rules';

describe('document rules', () => {
  const homes = { unitIds: ['u1'], buildingIds: ['b1'] };

  it('lets staff manage every document and realtors only photos', () => {
    expect(mayManage('manager', 'contract')).toBe(true);
    expect(mayManage('technical_manager', 'report')).toBe(true);
    expect(mayManage('realtor', 'photo')).toBe(true);
    expect(mayManage('realtor', 'contract')).toBe(false);
    expect(mayManage('owner', 'photo')).toBe(false);
  });

  it('shows residents-visible documents to every resident of the building', () => {
    const doc = { visibility: 'residents' as const, buildingId: 'b1', unitId: 'u2' };
    expect(residentMaySee('tenant', doc, homes)).toBe(true);
    expect(residentMaySee('owner', doc, homes)).toBe(true);
    expect(residentMaySee('tenant', { ...doc, buildingId: 'b2' }, homes)).toBe(false);
  });

  it('shows owners-visible documents to owners only: of the unit, or of the building', () => {
    const unitDoc = { visibility: 'owners' as const, buildingId: 'b1', unitId: 'u1' };
    expect(residentMaySee('owner', unitDoc, homes)).toBe(true);
    expect(residentMaySee('tenant', unitDoc, homes)).toBe(false);
    expect(residentMaySee('owner', { ...unitDoc, unitId: 'u2' }, homes)).toBe(false);
    expect(residentMaySee('owner', { ...unitDoc, unitId: null }, homes)).toBe(true);
  });

  it('shows unit documents (a lease PDF) to the current tenants and owners of that unit only', () => {
    const lease = { visibility: 'unit' as const, buildingId: 'b1', unitId: 'u1' };
    expect(residentMaySee('tenant', lease, homes)).toBe(true);
    expect(residentMaySee('owner', lease, homes)).toBe(true);
    expect(residentMaySee('tenant', { ...lease, unitId: 'u2' }, homes)).toBe(false);
    expect(residentMaySee('owner', { ...lease, unitId: null }, homes)).toBe(false);
  });

  it('shows public documents to every resident, wherever they live', () => {
    const certificate = { visibility: 'public' as const, buildingId: 'b9', unitId: null };
    expect(residentMaySee('tenant', certificate, { unitIds: [], buildingIds: [] })).toBe(true);
  });

  it('keeps managers-only documents and documents without a building from residents', () => {
    expect(residentMaySee('owner', { visibility: 'managers', buildingId: 'b1', unitId: 'u1' }, homes)).toBe(
      false,
    );
    expect(residentMaySee('owner', { visibility: 'residents', buildingId: null, unitId: null }, homes)).toBe(
      false,
    );
    expect(
      residentMaySee('realtor', { visibility: 'residents', buildingId: 'b1', unitId: null }, homes),
    ).toBe(false);
  });
});
