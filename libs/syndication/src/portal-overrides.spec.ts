import { validatePortalOverrides } from './portal-overrides';

describe('per-portal overrides', () => {
  it('accepts each portal’s own fields', () => {
    expect(
      validatePortalOverrides({
        sreality: {
          buildingType: 'panel',
          buildingCondition: 'after_renovation',
          ownership: 'cooperative',
          localityAccuracy: 'street',
          estateAreaM2: 450,
        },
        openimmo: {
          commission: '3,57 % inkl. MwSt.',
          energyCertificate: { type: 'consumption', valueKwhPerM2Year: 112.5, validUntil: '2034-05-31' },
        },
      }),
    ).toEqual([]);
    expect(validatePortalOverrides({})).toEqual([]);
  });

  it('names every bad path: unknown portals and fields, values outside the codebooks, wrong types', () => {
    const issues = validatePortalOverrides({
      sreality: { buildingType: 'straw', estateAreaM2: 0, floorHeating: true },
      openimmo: {
        commission: '',
        energyCertificate: { type: 'guess', valueKwhPerM2Year: 'a lot', validUntil: '31.5.2034', x: 1 },
      },
      immowelt: {},
    });
    expect(issues.map((i) => i.field)).toEqual([
      'overrides.sreality.buildingType',
      'overrides.sreality.estateAreaM2',
      'overrides.sreality.floorHeating',
      'overrides.openimmo.commission',
      'overrides.openimmo.energyCertificate.x',
      'overrides.openimmo.energyCertificate.type',
      'overrides.openimmo.energyCertificate.valueKwhPerM2Year',
      'overrides.openimmo.energyCertificate.validUntil',
      'overrides.immowelt',
    ]);
    expect(validatePortalOverrides(null).map((i) => i.field)).toEqual(['overrides']);
    expect(validatePortalOverrides({ sreality: [] }).map((i) => i.field)).toEqual(['overrides.sreality']);
  });

  it('treats inherited member names as unknown (no bypass, no crash)', () => {
    // As a JSON body arrives: "__proto__" is an own key there.
    const body = JSON.parse(
      '{"sreality":{"toString":1,"constructor":{"name":1},"__proto__":{}},' +
        '"__proto__":{"isPrototypeOf":1},"constructor":{"name":1}}',
    ) as unknown;
    expect(validatePortalOverrides(body).map((i) => i.field)).toEqual([
      'overrides.sreality.toString',
      'overrides.sreality.constructor',
      'overrides.sreality.__proto__',
      'overrides.__proto__',
      'overrides.constructor',
    ]);
  });
});
