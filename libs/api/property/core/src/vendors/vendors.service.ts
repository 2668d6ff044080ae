import { Injectable } from '@nestjs/common';
import { TenantTransactions, type Vendor } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { referencedAs } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import type { CreateVendorDto, ListVendorsQueryDto, UpdateVendorDto, VendorResponse } from './dto/vendor.dto';
import { VendorError, VendorErrorCode } from './vendors.errors';
import { VendorsRepository } from './vendors.repository';

/** Contractors of the caller's organisation; every change is audited. */
@Injectable()
export class VendorsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly vendors: VendorsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The vendor of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * vendor (they never use the repository).
   */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Vendor | null> {
    return this.vendors.findById(m, organizationId, id);
  }

  list(t: Tenant, query: ListVendorsQueryDto): Promise<Page<VendorResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.vendors.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  create(t: Tenant, dto: CreateVendorDto, meta: RequestMeta): Promise<VendorResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const vendor = await this.vendors.create(m, t.organizationId, dto);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'vendor', id: vendor.id, verb: 'created' },
        null,
        snapshot(vendor),
      );
      return toResponse(vendor);
    });
  }

  update(t: Tenant, id: string, dto: UpdateVendorDto, meta: RequestMeta): Promise<VendorResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.vendors.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.vendors.update(m, t.organizationId, id, dto);
      const after = (await this.vendors.findById(m, t.organizationId, id)) as Vendor;
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'vendor', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  get(t: Tenant, id: string): Promise<VendorResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const vendor = await this.vendors.findById(m, t.organizationId, id);
      if (!vendor) throw notFound();
      return toResponse(vendor);
    });
  }

  /** Refused (409) while a fault or an expense names the vendor: their history must keep it. */
  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.vendors.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.vendors
        .delete(m, t.organizationId, id)
        .catch(
          referencedAs(
            () => new VendorError(VendorErrorCode.InUse, 'Faults or expenses still refer to this vendor'),
          ),
        );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'vendor', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }
}

function notFound(): VendorError {
  return new VendorError(VendorErrorCode.NotFound, 'Vendor not found');
}

function snapshot(v: Vendor): Record<string, unknown> {
  const { organization: _o, ...fields } = v;
  return fields;
}

function toResponse(v: Vendor): VendorResponse {
  return {
    id: v.id,
    name: v.name,
    trade: v.trade,
    email: v.email,
    phone: v.phone,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
