import { Injectable } from '@nestjs/common';
import type { Vendor } from '@ppt/api-db';
import type { OrganizationScope } from '@ppt/db';
import type { Page } from '@ppt/http';
import { referencedAs, type RequestMeta, type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import type { CreateVendorDto, ListVendorsQueryDto, UpdateVendorDto, VendorResponse } from './dto/vendor.dto';
import { VendorError, VendorErrorCode } from './vendors.errors';
import { VendorsRepository } from './vendors.repository';

/** Contractors of the caller's organisation; every change is audited. */
@Injectable()
export class VendorsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly vendors: VendorsRepository,
  ) {}

  /**
   * The vendor of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * vendor (they never use the repository).
   */
  findById(scope: OrganizationScope, id: string): Promise<Vendor | null> {
    return this.vendors.findById(scope, id);
  }

  list(t: Tenant, query: ListVendorsQueryDto): Promise<Page<VendorResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.vendors.list(tx, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  create(t: Tenant, dto: CreateVendorDto, meta: RequestMeta): Promise<VendorResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const vendor = await this.vendors.create(tx, dto);
        await tx.auditChange({ type: 'vendor', id: vendor.id, verb: 'created' }, null, snapshot(vendor));
        return toResponse(vendor);
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateVendorDto, meta: RequestMeta): Promise<VendorResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.vendors.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.vendors.update(tx, id, dto);
        const after = (await this.vendors.findById(tx, id)) as Vendor;
        await tx.auditChange({ type: 'vendor', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return toResponse(after);
      },
      meta,
    );
  }

  get(t: Tenant, id: string): Promise<VendorResponse> {
    return this.tenant.run(t, async (tx) => {
      const vendor = await this.vendors.findById(tx, id);
      if (!vendor) throw notFound();
      return toResponse(vendor);
    });
  }

  /** Refused (409) while a fault or an expense names the vendor: their history must keep it. */
  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.vendors.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.vendors
          .delete(tx, id)
          .catch(
            referencedAs(
              () => new VendorError(VendorErrorCode.InUse, 'Faults or expenses still refer to this vendor'),
            ),
          );
        await tx.auditChange({ type: 'vendor', id, verb: 'deleted' }, snapshot(before), null);
      },
      meta,
    );
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
