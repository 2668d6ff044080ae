import type { DeepPartial, EntityManager, EntityTarget, FindOptionsWhere, SelectQueryBuilder } from 'typeorm';
import type { OrganizationId } from './organization-id';

/**
 * A transaction scoped to one organisation: the manager whose transaction has row-level security set
 * to `organizationId` (TenantTransactions.run does it; the tenant unit of work builds one).
 */
export interface OrganizationScope {
  readonly manager: EntityManager;
  readonly organizationId: OrganizationId;
}

/** A row of tenant data: RLS and every query below key it by its organisation. */
export interface TenantRow {
  id: string;
  organizationId: string;
}

/**
 * The queries every tenant aggregate's repository repeated: each filters by the scope's organisation as
 * well as relying on RLS (a forgotten filter must not leak; neither must a forgotten policy). Feature
 * repositories extend it and add their own queries.
 */
export abstract class TenantRepository<E extends TenantRow> {
  /**
   * `versioned`: the aggregate has a `version` column that its events carry, so every `update` raises
   * it by one in the same statement.
   */
  private readonly versioned: boolean;

  protected constructor(
    protected readonly entity: EntityTarget<E>,
    options: { versioned?: boolean } = {},
  ) {
    this.versioned = options.versioned ?? false;
  }

  findById(scope: OrganizationScope, id: string): Promise<E | null> {
    return scope.manager.findOneBy(this.entity, this.keyOf(scope, id));
  }

  /** Locks the row until the transaction ends: changes of one row go one at a time. */
  findForUpdate(scope: OrganizationScope, id: string): Promise<E | null> {
    return scope.manager.findOne(this.entity, {
      where: this.keyOf(scope, id),
      lock: { mode: 'pessimistic_write' },
    });
  }

  create(scope: OrganizationScope, data: DeepPartial<E>): Promise<E> {
    return scope.manager.save(
      this.entity,
      scope.manager.create(this.entity, { ...data, organizationId: scope.organizationId } as DeepPartial<E>),
    );
  }

  /**
   * Changes the row's columns (and raises a versioned aggregate's version); the id and the organisation
   * cannot be among them.
   */
  async update(
    scope: OrganizationScope,
    id: string,
    changes: Omit<DeepPartial<E>, 'id' | 'organizationId'>,
  ): Promise<void> {
    const set = this.versioned ? { ...changes, version: () => 'version + 1' } : changes;
    await scope.manager.update(this.entity, this.keyOf(scope, id), set as never);
  }

  /**
   * One page of the organisation's rows (with the total), ordered by `order` then id. The query's alias
   * is `row`; `filter` adds the feature's conditions; `order.nulls` places the rows whose sort column is
   * null (PostgreSQL's default otherwise: last ascending, first descending).
   */
  page(
    scope: OrganizationScope,
    window: { limit: number; offset: number },
    order: { column: string; direction: 'ASC' | 'DESC'; nulls?: 'NULLS FIRST' | 'NULLS LAST' },
    filter?: (qb: SelectQueryBuilder<E>) => void,
  ): Promise<[E[], number]> {
    const qb = scope.manager
      .createQueryBuilder(this.entity, 'row')
      .where('row.organization_id = :organizationId', { organizationId: scope.organizationId });
    filter?.(qb);
    return qb
      .orderBy(order.column, order.direction, order.nulls)
      .addOrderBy('row.id', 'ASC')
      .limit(window.limit)
      .offset(window.offset)
      .getManyAndCount();
  }

  protected keyOf(scope: OrganizationScope, id: string): FindOptionsWhere<E> {
    // Every TenantRow has both columns; TypeORM cannot see it through the generic.
    return { organizationId: scope.organizationId, id } as unknown as FindOptionsWhere<E>;
  }
}
