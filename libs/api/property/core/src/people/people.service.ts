import { Injectable } from '@nestjs/common';
import { type Person } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { Page } from '@ppt/http';
import { referencedAs } from '@ppt/api-shared';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import type { CreatePersonDto, ListPeopleQueryDto, PersonResponse, UpdatePersonDto } from './dto/person.dto';
import { PersonError, PersonErrorCode } from './people.errors';
import { PeopleRepository } from './people.repository';

/** Owners, tenants and household members of the caller's organisation; every change is audited. */
@Injectable()
export class PeopleService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly people: PeopleRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The person of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * person (they never use the repository).
   */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Person | null> {
    return this.people.findById(m, organizationId, id);
  }

  list(t: Tenant, query: ListPeopleQueryDto): Promise<Page<PersonResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.people.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<PersonResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const person = await this.people.findById(m, t.organizationId, id);
      if (!person) throw notFound();
      return toResponse(person);
    });
  }

  create(t: Tenant, dto: CreatePersonDto, meta: RequestMeta): Promise<PersonResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.checkUser(m, t, dto.userId);
      const person = await this.people.create(m, t.organizationId, dto);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'person', id: person.id, verb: 'created' },
        null,
        snapshot(person),
      );
      return toResponse(person);
    });
  }

  update(t: Tenant, id: string, dto: UpdatePersonDto, meta: RequestMeta): Promise<PersonResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.people.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      await this.checkUser(m, t, dto.userId);
      await this.people.update(m, t.organizationId, id, dto);
      const after = (await this.people.findById(m, t.organizationId, id)) as Person;
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'person', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      return toResponse(after);
    });
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.people.findForUpdate(m, t.organizationId, id);
      if (!before) throw notFound();
      if (await this.people.hasLeases(m, t.organizationId, id)) {
        throw new PersonError(PersonErrorCode.HasLeases, 'This person is the tenant of a lease');
      }
      await this.people
        .delete(m, t.organizationId, id)
        .catch(
          referencedAs(
            () => new PersonError(PersonErrorCode.InUse, 'Votes or delegations still refer to this person'),
          ),
        );
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'person', id, verb: 'deleted' },
        snapshot(before),
        null,
      );
    });
  }

  private async checkUser(m: EntityManager, t: Tenant, userId: string | undefined): Promise<void> {
    if (userId && !(await this.people.isMember(m, t.organizationId, userId))) {
      throw new PersonError(
        PersonErrorCode.UserNotMember,
        'The linked user must be a member of this organisation',
      );
    }
  }
}

function notFound(): PersonError {
  return new PersonError(PersonErrorCode.NotFound, 'Person not found');
}

function snapshot(p: Person): Record<string, unknown> {
  const { organization: _o, user: _u, ...fields } = p;
  return fields;
}

function toResponse(p: Person): PersonResponse {
  return {
    id: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
    userId: p.userId,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
