import { Injectable } from '@nestjs/common';
import type { OrganizationScope } from '@ppt/db';
import type { Person } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import {
  referencedAs,
  type RequestMeta,
  type Tenant,
  type TenantTransaction,
  TenantUnitOfWork,
} from '@ppt/api-shared';
import type { CreatePersonDto, ListPeopleQueryDto, PersonResponse, UpdatePersonDto } from './dto/person.dto';
import { PersonError, PersonErrorCode } from './people.errors';
import { PeopleRepository } from './people.repository';

/** Owners, tenants and household members of the caller's organisation; every change is audited. */
@Injectable()
export class PeopleService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly people: PeopleRepository,
  ) {}

  /**
   * The person of an organisation, or null, inside the caller's transaction: other contexts' way to a
   * person (they never use the repository).
   */
  findById(scope: OrganizationScope, id: string): Promise<Person | null> {
    return this.people.findById(scope, id);
  }

  /** Which of these ids are people of the organisation, inside the caller's transaction. */
  existingIds(scope: OrganizationScope, ids: string[]): Promise<Set<string>> {
    return this.people.existingIds(scope, ids);
  }

  list(t: Tenant, query: ListPeopleQueryDto): Promise<Page<PersonResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.people.list(tx, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<PersonResponse> {
    return this.tenant.run(t, async (tx) => {
      const person = await this.people.findById(tx, id);
      if (!person) throw notFound();
      return toResponse(person);
    });
  }

  create(t: Tenant, dto: CreatePersonDto, meta: RequestMeta): Promise<PersonResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        await this.checkUser(tx, dto.userId);
        const person = await this.people.create(tx, dto);
        await tx.auditChange({ type: 'person', id: person.id, verb: 'created' }, null, snapshot(person));
        return toResponse(person);
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdatePersonDto, meta: RequestMeta): Promise<PersonResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.people.findForUpdate(tx, id);
        if (!before) throw notFound();
        await this.checkUser(tx, dto.userId);
        await this.people.update(tx, id, dto);
        const after = (await this.people.findById(tx, id)) as Person;
        await tx.auditChange({ type: 'person', id, verb: 'updated' }, snapshot(before), snapshot(after));
        return toResponse(after);
      },
      meta,
    );
  }

  delete(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.people.findForUpdate(tx, id);
        if (!before) throw notFound();
        if (await this.people.hasLeases(tx, id)) {
          throw new PersonError(PersonErrorCode.HasLeases, 'This person is the tenant of a lease');
        }
        await this.people
          .delete(tx, id)
          .catch(
            referencedAs(
              () => new PersonError(PersonErrorCode.InUse, 'Votes or delegations still refer to this person'),
            ),
          );
        await tx.auditChange({ type: 'person', id, verb: 'deleted' }, snapshot(before), null);
      },
      meta,
    );
  }

  private async checkUser(tx: TenantTransaction, userId: string | undefined): Promise<void> {
    if (userId && !(await this.people.isMember(tx, userId))) {
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
