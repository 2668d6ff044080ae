import type { PreflightIssue } from './portal-adapter';

/**
 * Fields one portal needs that our listing does not model, kept on the listing per portal (the
 * manager fills them in for the portals the listing goes to). Each portal validates its own part.
 */
export interface PortalOverrides {
  sreality?: SrealityOverrides;
  openimmo?: OpenImmoOverrides;
}

export const SREALITY_BUILDING_TYPES = [
  'wooden',
  'brick',
  'stone',
  'prefabricated',
  'panel',
  'skeleton',
  'mixed',
  'modular',
] as const;
export const SREALITY_BUILDING_CONDITIONS = [
  'very_good',
  'good',
  'bad',
  'under_construction',
  'project',
  'new_build',
  'for_demolition',
  'before_renovation',
  'after_renovation',
] as const;
export const SREALITY_OWNERSHIPS = ['personal', 'cooperative', 'public'] as const;
/** How exactly the advert's map pin shows the address (Sreality `locality_inaccuracy_level`). */
export const SREALITY_LOCALITY_ACCURACIES = ['exact', 'street', 'district'] as const;

export interface SrealityOverrides {
  buildingType?: (typeof SREALITY_BUILDING_TYPES)[number];
  buildingCondition?: (typeof SREALITY_BUILDING_CONDITIONS)[number];
  ownership?: (typeof SREALITY_OWNERSHIPS)[number];
  localityAccuracy?: (typeof SREALITY_LOCALITY_ACCURACIES)[number];
  /** Land area in m² (Sreality `estate_area`): required for houses and land. */
  estateAreaM2?: number;
}

export const OPENIMMO_ENERGY_CERTIFICATE_TYPES = ['demand', 'consumption'] as const;

export interface OpenImmoOverrides {
  /** The buyer's commission as German portals print it, e.g. "3,57 % inkl. MwSt." (`aussen_courtage`). */
  commission?: string;
  energyCertificate?: {
    /** Bedarfsausweis or Verbrauchsausweis (`epart`). */
    type: (typeof OPENIMMO_ENERGY_CERTIFICATE_TYPES)[number];
    /** kWh/(m²·a) (`endenergiebedarf` / `energieverbrauchkennwert`). */
    valueKwhPerM2Year: number;
    /** ISO date (`gueltig_bis`). */
    validUntil: string;
  };
}

type Check = (value: unknown, path: string, add: (field: string, message: string) => void) => void;

const oneOf =
  (values: readonly string[]): Check =>
  (value, path, add) => {
    if (typeof value !== 'string' || !values.includes(value))
      add(path, `Must be one of: ${values.join(', ')}`);
  };
const positiveNumber =
  (max: number): Check =>
  (value, path, add) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
      add(path, `Must be a number above 0 and at most ${max}`);
  };
const shortText =
  (max: number): Check =>
  (value, path, add) => {
    if (typeof value !== 'string' || !value.trim() || value.length > max)
      add(path, `Must be a text of 1 to ${max} characters`);
  };

const SREALITY_FIELDS: Record<keyof SrealityOverrides, Check> = {
  buildingType: oneOf(SREALITY_BUILDING_TYPES),
  buildingCondition: oneOf(SREALITY_BUILDING_CONDITIONS),
  ownership: oneOf(SREALITY_OWNERSHIPS),
  localityAccuracy: oneOf(SREALITY_LOCALITY_ACCURACIES),
  estateAreaM2: positiveNumber(100_000_000),
};

const OPENIMMO_FIELDS: Record<keyof OpenImmoOverrides, Check> = {
  commission: shortText(200),
  energyCertificate: (value, path, add) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      add(path, 'Must be an object {type, valueKwhPerM2Year, validUntil}');
      return;
    }
    const cert = value as Record<string, unknown>;
    const unknown = Object.keys(cert).filter((k) => !['type', 'valueKwhPerM2Year', 'validUntil'].includes(k));
    for (const key of unknown) add(`${path}.${key}`, 'Unknown field');
    oneOf(OPENIMMO_ENERGY_CERTIFICATE_TYPES)(cert.type, `${path}.type`, add);
    positiveNumber(10_000)(cert.valueKwhPerM2Year, `${path}.valueKwhPerM2Year`, add);
    const date = typeof cert.validUntil === 'string' ? cert.validUntil : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
      add(`${path}.validUntil`, 'Must be a date (YYYY-MM-DD)');
  },
};

const FIELDS: Record<keyof PortalOverrides, Record<string, Check>> = {
  sreality: SREALITY_FIELDS,
  openimmo: OPENIMMO_FIELDS,
};

/**
 * Checks the overrides a manager sent, portal by portal and field by field. Unknown portals and
 * fields are errors (a typo must not be silently ignored). Paths are `overrides.<portal>.<field>`.
 */
export function validatePortalOverrides(value: unknown): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, rule: 'invalid', message });
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    add('overrides', 'Must be an object keyed by portal');
    return issues;
  }
  for (const [portal, part] of Object.entries(value as Record<string, unknown>)) {
    // Own keys only: `toString`, `constructor` or `__proto__` must be unknown names, not inherited members.
    const fields = Object.hasOwn(FIELDS, portal) ? FIELDS[portal as keyof PortalOverrides] : undefined;
    if (!fields) {
      add(`overrides.${portal}`, `No overrides exist for ${portal}`);
      continue;
    }
    if (!part || typeof part !== 'object' || Array.isArray(part)) {
      add(`overrides.${portal}`, 'Must be an object');
      continue;
    }
    for (const [field, fieldValue] of Object.entries(part as Record<string, unknown>)) {
      const check = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (!check) add(`overrides.${portal}.${field}`, 'Unknown field');
      else check(fieldValue, `overrides.${portal}.${field}`, add);
    }
  }
  return issues;
}
