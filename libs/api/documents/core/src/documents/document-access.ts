import { Injectable } from '@nestjs/common';
import type { Document } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import type { Tenant } from '@ppt/api-shared';
import { ResidentScope } from '@ppt/api-property-core';
import { isStaff, mayManage, residentMaySee, type ResidentHomes } from './document-rules';
import { DocumentError, DocumentErrorCode, documentNotFound } from './documents.errors';
import { DocumentsRepository, type DocumentAudience } from './documents.repository';

export interface DocumentLinks {
  buildingId?: string | null;
  unitId?: string | null;
  leaseId?: string | null;
  faultId?: string | null;
}

export type DocumentPlacement = Required<{ [K in keyof DocumentLinks]: string | null }>;

/**
 * Who may see and change which document, and where a document belongs: links must name rows of the
 * caller's organisation (404 otherwise) and agree with each other (422); a unit, lease or fault
 * implies its building, so resident visibility always has a building to go by.
 */
@Injectable()
export class DocumentAccess {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly residents: ResidentScope,
  ) {}

  async audience(m: EntityManager, t: Tenant): Promise<DocumentAudience> {
    if (isStaff(t.role)) return null;
    if (t.role === 'realtor') return { kind: 'realtor', userId: t.userId };
    return { kind: 'resident', owner: t.role === 'owner', userId: t.userId, homes: await this.homes(m, t) };
  }

  /** A document the caller may see (pending ones only to whoever may manage them); 404 otherwise. */
  async visible(m: EntityManager, t: Tenant, id: string): Promise<Document> {
    const doc = await this.documents.findById(m, t.organizationId, id);
    if (!doc || !(await this.maySee(m, t, doc))) throw documentNotFound();
    return doc;
  }

  /**
   * The first of `ids` that cannot be attached by the caller (not an active document of this
   * organisation that they may see), or undefined when all can.
   */
  async firstUnattachable(m: EntityManager, t: Tenant, ids: string[]): Promise<string | undefined> {
    for (const id of ids) {
      const doc = await this.documents.findById(m, t.organizationId, id);
      if (!doc || doc.status !== 'active' || !(await this.maySee(m, t, doc))) return id;
    }
    return undefined;
  }

  /**
   * A document the caller may change, locked for the change: 404 if unseen, 403 if only seen. A
   * realtor changes only photos they uploaded, or photos one of their own listings (they are its
   * contact) shows and no listing with another contact does: attaching a colleague's or a manager's
   * listing photo to their own listing lets them use it, not re-label or delete it.
   */
  async managed(m: EntityManager, t: Tenant, id: string): Promise<Document> {
    const doc = await this.documents.findForUpdate(m, t.organizationId, id);
    if (!doc || !(await this.maySee(m, t, doc))) throw documentNotFound();
    this.requireManage(t, doc.category);
    if (t.role === 'realtor' && doc.uploadedByUserId !== t.userId) {
      const showing = await this.documents.listingsShowing(m, t.organizationId, doc.id, t.userId);
      if (!showing.own || showing.others) {
        throw new DocumentError(
          DocumentErrorCode.NotAllowed,
          "Realtors change only the photos they uploaded or that only their own listings show, not another contact's",
        );
      }
    }
    return doc;
  }

  /**
   * A realtor's photos are for listings: they are never filed under a fault or a lease, and never
   * shown to residents (a realtor must not move a listing photo into a building's or unit's space).
   */
  requireRealtorLinks(t: Tenant, links: DocumentLinks, visibility?: Document['visibility']): void {
    if (t.role !== 'realtor') return;
    if (links.faultId || links.leaseId) {
      throw new DocumentError(
        DocumentErrorCode.NotAllowed,
        'Realtors add photos for listings, not to faults or leases',
      );
    }
    if (visibility !== undefined && visibility !== 'managers' && visibility !== 'public') {
      throw new DocumentError(
        DocumentErrorCode.NotAllowed,
        'Realtors share photos with staff or everyone in the organisation, not with residents',
      );
    }
  }

  /**
   * Who may add a document: whoever manages its category, and a resident adding a photo to a fault
   * they reported (the photo of the leaking tap).
   */
  async requireUpload(
    m: EntityManager,
    t: Tenant,
    metadata: {
      category: Document['category'];
      visibility?: Document['visibility'];
      faultId?: string | null;
      leaseId?: string | null;
    },
  ): Promise<void> {
    this.requireRealtorLinks(t, metadata, metadata.visibility);
    if (mayManage(t.role, metadata.category)) return;
    if ((t.role === 'owner' || t.role === 'tenant') && metadata.category === 'photo' && metadata.faultId) {
      // A fault photo shows a home: staff who handle the fault see it, nobody else (not even by choice).
      if ((metadata.visibility ?? 'managers') !== 'managers') {
        throw new DocumentError(DocumentErrorCode.NotAllowed, 'Photos of a fault are for staff only');
      }
      const fault = await this.documents.fault(m, t.organizationId, metadata.faultId);
      if (fault?.reporterUserId === t.userId) return;
    }
    throw new DocumentError(
      DocumentErrorCode.NotAllowed,
      t.role === 'realtor'
        ? 'Realtors manage photo documents only'
        : 'Residents may only add photos to faults they reported',
    );
  }

  requireManage(t: Tenant, category: Document['category']): void {
    if (!mayManage(t.role, category)) {
      throw new DocumentError(
        DocumentErrorCode.NotAllowed,
        t.role === 'realtor' ? 'Realtors manage photo documents only' : 'Your role cannot change documents',
      );
    }
  }

  /**
   * The links of a document with the building (and unit) they imply, all checked; `unit` visibility
   * needs a unit to be shared with (422).
   */
  async place(
    m: EntityManager,
    t: Tenant,
    links: DocumentLinks,
    visibility?: Document['visibility'],
  ): Promise<DocumentPlacement> {
    const org = t.organizationId;
    const placed: DocumentPlacement = {
      buildingId: links.buildingId ?? null,
      unitId: links.unitId ?? null,
      leaseId: links.leaseId ?? null,
      faultId: links.faultId ?? null,
    };
    const implied: { buildingId?: string; unitId?: string | null }[] = [];
    if (placed.faultId) {
      const fault = await this.documents.fault(m, org, placed.faultId);
      if (!fault) throw new DocumentError(DocumentErrorCode.FaultNotFound, 'Fault not found');
      implied.push({ buildingId: fault.buildingId, unitId: fault.unitId });
    }
    if (placed.leaseId) {
      const lease = await this.documents.lease(m, org, placed.leaseId);
      if (!lease) throw new DocumentError(DocumentErrorCode.LeaseNotFound, 'Lease not found');
      implied.push({ unitId: lease.unitId });
    }
    for (const { unitId } of implied) {
      if (!unitId) continue;
      if (placed.unitId && placed.unitId !== unitId) throw disagree();
      placed.unitId = unitId;
    }
    if (placed.unitId) {
      const unit = await this.documents.unit(m, org, placed.unitId);
      if (!unit) throw new DocumentError(DocumentErrorCode.UnitNotFound, 'Unit not found');
      implied.push({ buildingId: unit.buildingId });
    }
    for (const { buildingId } of implied) {
      if (!buildingId) continue;
      if (placed.buildingId && placed.buildingId !== buildingId) throw disagree();
      placed.buildingId = buildingId;
    }
    if (placed.buildingId && !(await this.documents.building(m, org, placed.buildingId))) {
      throw new DocumentError(DocumentErrorCode.BuildingNotFound, 'Building not found');
    }
    if (visibility === 'unit' && !placed.unitId) {
      throw new DocumentError(
        DocumentErrorCode.UnitRequired,
        'A document shared with a unit names the unit (unitId, or a lease or fault of it)',
      );
    }
    return placed;
  }

  /** An earlier version must be an active document of the organisation the caller may see. */
  async previousVersion(m: EntityManager, t: Tenant, id: string): Promise<Document> {
    const doc = await this.documents.findById(m, t.organizationId, id);
    if (!doc || doc.status !== 'active' || !(await this.maySee(m, t, doc))) {
      throw new DocumentError(
        DocumentErrorCode.PreviousVersionNotFound,
        'The previous version was not found',
      );
    }
    return doc;
  }

  /**
   * Staff see everything; anyone sees their own uploads and public documents; a realtor what listings
   * show; residents what the visibility gives their homes; and everyone the attachments of messages
   * and announcements they receive.
   */
  private async maySee(m: EntityManager, t: Tenant, doc: Document): Promise<boolean> {
    if (doc.uploadedByUserId === t.userId) return true;
    if (doc.status === 'pending') return mayManage(t.role, doc.category);
    if (isStaff(t.role) || doc.visibility === 'public') return true;
    if (t.role === 'realtor') {
      if (await this.documents.shownByAListing(m, t.organizationId, doc.id)) return true;
    } else if (residentMaySee(t.role, doc, await this.homes(m, t))) {
      return true;
    }
    return this.documents.attachedForRecipient(m, t.organizationId, doc.id, {
      userId: t.userId,
      unitIds: (await this.residents.unitIds(m, t)) ?? null,
    });
  }

  private async homes(m: EntityManager, t: Tenant): Promise<ResidentHomes> {
    const unitIds = (await this.residents.unitIds(m, t)) ?? [];
    return { unitIds, buildingIds: await this.documents.buildingsOfUnits(m, t.organizationId, unitIds) };
  }
}

function disagree(): DocumentError {
  return new DocumentError(
    DocumentErrorCode.LinksDisagree,
    'The building, unit, lease and fault of a document must belong together',
  );
}
