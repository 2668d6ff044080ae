import { buildDataSourceOptions, TenantRepository, TenantTransactions } from '@ppt/db';
import {
  Announcement,
  AuditLogEntry,
  Organization,
  OutboxEvent,
  PM_ENTITIES,
  User,
  Vendor,
} from '@ppt/api-db';
import { OutboxWriter } from '@ppt/events';
import { createTestDatabase, type TestDatabase } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditService } from '../audit/audit.service';
import type { RequestMeta } from './request-meta';
import { TenantUnitOfWork } from './tenant-unit-of-work';

/** A feature repository needs nothing but the base class for the common queries. */
class VendorRows extends TenantRepository<Vendor> {
  constructor() {
    super(Vendor);
  }
}

/** An aggregate whose events carry its version: every update raises it. */
class AnnouncementRows extends TenantRepository<Announcement> {
  constructor() {
    super(Announcement, { versioned: true });
  }
}

/**
 * The unit of work and the base repository on a real database, as api-server's restricted role: the
 * change, its audit row and its outbox event commit (or roll back) together, and the repository never
 * reaches another organisation's row.
 */
describe('TenantUnitOfWork and TenantRepository', () => {
  let db: TestDatabase;
  let owner: DataSource;
  let app: DataSource;
  let unitOfWork: TenantUnitOfWork;
  const vendors = new VendorRows();
  const announcements = new AnnouncementRows();
  const orgA = randomUUID();
  const orgB = randomUUID();
  const userA = randomUUID();
  const actorA = { organizationId: orgA, userId: userA };
  const actorB = { organizationId: orgB, userId: null, clientId: 'system' };
  const meta: RequestMeta = { ip: '203.0.113.7', userAgent: 'uow-test', requestId: randomUUID() };

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await new DataSource(
      buildDataSourceOptions({ url: db.ownerUrl, applicationName: 'owner' }, { entities: PM_ENTITIES }),
    ).initialize();
    app = await new DataSource(
      buildDataSourceOptions(
        { url: db.appUrl, applicationName: 'app', poolMax: 2 },
        { entities: PM_ENTITIES },
      ),
    ).initialize();
    const transactions = new TenantTransactions(app);
    unitOfWork = new TenantUnitOfWork(
      transactions,
      new AuditService(transactions, new AuditLogRepository()),
      new OutboxWriter(),
    );
    await owner.getRepository(Organization).insert([
      { id: orgA, name: 'A', slug: `a-${orgA}` },
      { id: orgB, name: 'B', slug: `b-${orgB}` },
    ]);
    await owner.getRepository(User).insert({ id: userA, email: `a-${userA}@example.com`, displayName: 'A' });
  });
  afterAll(async () => {
    await Promise.all([owner?.destroy(), app?.destroy()]);
    await db?.drop();
  });

  const auditRowsOf = (entityId: string) => owner.getRepository(AuditLogEntry).findBy({ entityId });
  const outboxRowsOf = (aggregateId: string) => owner.getRepository(OutboxEvent).findBy({ aggregateId });

  it('commits the change, its audit row (with actor and request) and its event in one transaction', async () => {
    const vendor = await unitOfWork.run(
      actorA,
      async (tx) => {
        const created = await vendors.create(tx, { name: 'Plumber' });
        await tx.auditChange({ type: 'vendor', id: created.id, verb: 'created' }, null, {
          name: created.name,
        });
        await tx.emit({
          type: 'fault.assigned',
          aggregateId: created.id,
          aggregateVersion: 1,
          payload: { faultId: created.id, assigneeUserId: userA, assignedBy: userA },
        });
        return created;
      },
      meta,
    );

    expect(vendor.organizationId).toBe(orgA);
    expect(await auditRowsOf(vendor.id)).toEqual([
      expect.objectContaining({
        action: 'vendor.created',
        organizationId: orgA,
        actorUserId: userA,
        entityType: 'vendor',
        requestId: meta.requestId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { changes: { name: { before: null, after: 'Plumber' } } },
      }),
    ]);
    expect(await outboxRowsOf(vendor.id)).toEqual([
      expect.objectContaining({ type: 'fault.assigned', organizationId: orgA, aggregateSequence: 1 }),
    ]);
  });

  it('rolls the change, its audit row and its event back together when the work fails', async () => {
    let id = '';
    await expect(
      unitOfWork.run(actorA, async (tx) => {
        id = (await vendors.create(tx, { name: 'Roofer' })).id;
        await tx.audit('organization.updated', { type: 'vendor', id }, { note: 'rolled back' });
        await tx.emit({
          type: 'fault.assigned',
          aggregateId: id,
          aggregateVersion: 1,
          payload: { faultId: id, assigneeUserId: userA, assignedBy: userA },
        });
        throw new Error('the work failed after writing');
      }),
    ).rejects.toThrow('the work failed after writing');

    expect(id).not.toBe('');
    expect(await owner.getRepository(Vendor).findBy({ id })).toEqual([]);
    expect(await auditRowsOf(id)).toEqual([]);
    expect(await outboxRowsOf(id)).toEqual([]);
  });

  it('writes a security event with the actor of a job (no user, its client id)', async () => {
    const target = randomUUID();
    await unitOfWork.run(actorB, (tx) =>
      tx.audit('organization.updated', { type: 'organization', id: target }),
    );
    expect(await auditRowsOf(target)).toEqual([
      expect.objectContaining({
        action: 'organization.updated',
        organizationId: orgB,
        actorUserId: null,
        actorClientId: 'system',
        requestId: null,
      }),
    ]);
  });

  it('finds, locks, updates and pages only rows of the transaction’s organisation', async () => {
    const ofA = await unitOfWork.run(actorA, (tx) => vendors.create(tx, { name: 'Electrician A' }));
    const ofB = await unitOfWork.run(actorB, (tx) => vendors.create(tx, { name: 'Electrician B' }));

    await unitOfWork.run(actorB, async (tx) => {
      expect(await vendors.findById(tx, ofA.id)).toBeNull();
      expect(await vendors.findForUpdate(tx, ofA.id)).toBeNull();
      await vendors.update(tx, ofA.id, { name: 'hijacked' });
      expect(await vendors.findById(tx, ofB.id)).toEqual(expect.objectContaining({ name: 'Electrician B' }));
    });
    expect(await owner.getRepository(Vendor).findOneBy({ id: ofA.id })).toEqual(
      expect.objectContaining({ name: 'Electrician A' }),
    );

    const [page, total] = await unitOfWork.run(actorA, (tx) =>
      vendors.page(tx, { limit: 1, offset: 0 }, { column: 'row.name', direction: 'DESC' }, (qb) =>
        qb.andWhere('row.name LIKE :prefix', { prefix: 'Electrician%' }),
      ),
    );
    expect(total).toBe(1);
    expect(page.map((v) => v.id)).toEqual([ofA.id]);
  });

  it('raises a versioned aggregate’s version with each update, and leaves an unversioned one alone', async () => {
    const notice = await unitOfWork.run(actorA, (tx) =>
      announcements.create(tx, { title: 'Water off', body: 'Tuesday', audienceType: 'organization' }),
    );
    expect(notice.version).toBe(1);
    await unitOfWork.run(actorA, (tx) => announcements.update(tx, notice.id, { title: 'Water off at 9' }));
    await unitOfWork.run(actorA, (tx) => announcements.update(tx, notice.id, { pinned: true }));
    expect(await owner.getRepository(Announcement).findOneBy({ id: notice.id })).toEqual(
      expect.objectContaining({ title: 'Water off at 9', pinned: true, version: 3 }),
    );

    const vendor = await unitOfWork.run(actorA, (tx) => vendors.create(tx, { name: 'Glazier' }));
    await unitOfWork.run(actorA, (tx) => vendors.update(tx, vendor.id, { name: 'Glazier & Sons' }));
    expect(await owner.getRepository(Vendor).findOneBy({ id: vendor.id })).toEqual(
      expect.objectContaining({ name: 'Glazier & Sons' }),
    );
  });

  it('does not compile a repository call with a plain string as the organisation', async () => {
    await unitOfWork.run(actorA, async (tx) => {
      const forged = { manager: tx.manager, organizationId: orgB };
      // @ts-expect-error a string from anywhere is not an OrganizationId (only trusted places make one)
      expect(await vendors.findById(forged, randomUUID())).toBeNull();
    });
  });
});
