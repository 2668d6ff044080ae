import { can, Permission } from '@ppt/auth';
import type { DocumentCategory, DocumentVisibility } from '@ppt/api-db';
import type { MembershipRole } from '@ppt/db';

/** Staff read every document of the organisation and manage them. */
export function isStaff(role: MembershipRole): boolean {
  return can({ role }, Permission.DocumentManage);
}

/** Staff manage every document; realtors the photos (their listings show them); residents none. */
export function mayManage(role: MembershipRole, category: DocumentCategory): boolean {
  return isStaff(role) || (category === 'photo' && can({ role }, Permission.DocumentPhotoManage));
}

/** Where a document sits, for deciding which residents see it. */
export interface DocumentPlace {
  visibility: DocumentVisibility;
  buildingId: string | null;
  unitId: string | null;
}

/** A resident's homes: the units they currently own or live in, and those units' buildings. */
export interface ResidentHomes {
  unitIds: readonly string[];
  buildingIds: readonly string[];
}

/**
 * Whether a resident sees a document: `public` — every member; `residents` — anyone living in or
 * owning a unit of its building; `unit` — the current tenants and owners of its unit; `owners` —
 * owners only, of its unit when it names one, else of any unit of its building; `managers` — no
 * resident. Apart from `public`, a document tied to no building is for staff alone.
 */
export function residentMaySee(role: MembershipRole, doc: DocumentPlace, homes: ResidentHomes): boolean {
  if (role !== 'owner' && role !== 'tenant') return false;
  if (doc.visibility === 'public') return true;
  if (!doc.buildingId || doc.visibility === 'managers') return false;
  if (doc.visibility === 'residents') return homes.buildingIds.includes(doc.buildingId);
  if (doc.visibility === 'unit') return doc.unitId !== null && homes.unitIds.includes(doc.unitId);
  if (role !== 'owner') return false;
  return doc.unitId ? homes.unitIds.includes(doc.unitId) : homes.buildingIds.includes(doc.buildingId);
}
