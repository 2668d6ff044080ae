import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuditCoreModule, type RequestMeta, type Tenant } from '@ppt/api-shared';
import { CoreEnv, loadEnv, type RawEnv } from '@ppt/config';
import { Building, Lease, Membership, Organization, Person, PM_ENTITIES, Unit, User } from '@ppt/api-db';
import { buildDataSourceOptions, TenantTransactions, type MembershipRole } from '@ppt/db';
import { PlatformModule } from '@ppt/platform';
import {
  createTestDatabase,
  testRedisPrefix,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '@ppt/testing';
import {
  DataSource,
  type DeepPartial,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
} from 'typeorm';
import { TestEnvSlicesModule, type EnvSlice } from './env-slices';

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface ServiceTestOptions {
  /** The core modules under test: exactly what the test names, on top of the platform and the audit writer. */
  imports: ModuleImport[];
  /** The env slices those modules inject (`[IdentityEnv, MailEnv]`); Nest names a missing one. */
  envSlices?: EnvSlice[];
  /** Settings on top of the test database and Redis (validated by CoreEnv and each slice). */
  env?: RawEnv;
  /**
   * `worker`: connect as the worker's role (a member of ppt_jobs), so @Scheduled methods' platform
   * jobs run as in the worker; default `http` (api-server's HTTP role).
   */
  process?: 'http' | 'worker';
}

/** What a fixture needs of an organisation: its id. */
export type OrganizationRef = Pick<Organization, 'id'>;

/** A member of an organisation as the services see the caller: a Tenant (organisation, user, role). */
export interface TestMember extends Tenant {
  user: User;
}

/** The request metadata a service records in the audit log; int-specs have no HTTP request. */
export const TEST_REQUEST_META: RequestMeta = { ip: '127.0.0.1', userAgent: 'int-spec', requestId: null };

/**
 * The service-level test tier (`*.int-spec.ts`, immich's "medium" tests): the cores a test names on the
 * platform api-server runs on (config, PostgreSQL, Redis, queues, logs, audit), connected to a clone of
 * the migrated template database as api-server's own role, so row-level security applies to every
 * service call exactly as in production. Fixtures are inserted directly as the database owner (no RLS,
 * no services, no HTTP), with defaults a test overrides only where it matters.
 */
export class ServiceTestContext {
  private constructor(
    private readonly module: TestingModule,
    /** The owner's connection: fixtures and direct reads that must not depend on the code under test. */
    readonly owner: DataSource,
    readonly db: TestDatabase,
    private readonly cleanupRedis: () => Promise<void>,
  ) {}

  static async create({
    imports,
    envSlices = [],
    env = {},
    process = 'http',
  }: ServiceTestOptions): Promise<ServiceTestContext> {
    const db = await createTestDatabase();
    const redis = testRedisPrefix();
    let module: TestingModule | undefined;
    let owner: DataSource | undefined;
    try {
      const raw = {
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: process === 'worker' ? db.workerUrl : db.appUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: redis.prefix,
        ...env,
      };
      const coreEnv = loadEnv(CoreEnv, raw);
      module = await Test.createTestingModule({
        imports: [
          PlatformModule.forRoot({
            env: coreEnv,
            service: 'api-int-spec',
            role: 'http',
            entities: PM_ENTITIES,
            confinedToSchema: 'public',
            runsPlatformJobs: process === 'worker',
          }),
          TestEnvSlicesModule.forSlices(envSlices, raw),
          AuditCoreModule,
          ...imports,
        ],
      }).compile();
      await module.init();
      owner = await new DataSource(
        buildDataSourceOptions(
          { url: db.ownerUrl, applicationName: 'int-spec-fixtures', poolMax: 2 },
          { entities: PM_ENTITIES },
        ),
      ).initialize();
      return new ServiceTestContext(module, owner, db, redis.cleanup);
    } catch (err) {
      await module?.close().catch(() => undefined);
      await owner?.destroy().catch(() => undefined);
      await Promise.all([db.drop(), redis.cleanup()]);
      throw err;
    }
  }

  /** A provider of the testing module (the service under test). */
  get<T>(token: Type<T> | string | symbol): T {
    return this.module.get(token, { strict: false });
  }

  /** Runs `work` as api-server's role inside `member`'s tenant scope (RLS on), as a service's transaction would. */
  asTenant<T>(member: Tenant, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.get(TenantTransactions).run(
      { organizationId: member.organizationId, userId: member.userId },
      work,
    );
  }

  newOrganization(overrides: DeepPartial<Organization> = {}): Promise<Organization> {
    const suffix = uniqueSuffix();
    return this.insert(Organization, { name: `Organisation ${suffix}`, slug: `org-${suffix}`, ...overrides });
  }

  newUser(overrides: DeepPartial<User> = {}): Promise<User> {
    const suffix = uniqueSuffix();
    return this.insert(User, {
      email: `user-${suffix}@example.test`,
      displayName: `User ${suffix}`,
      emailVerifiedAt: new Date(),
      ...overrides,
    });
  }

  /** A new user with a membership of `role` in `org`: the Tenant to call services as. */
  async newMember(org: OrganizationRef, role: MembershipRole = 'manager', user?: User): Promise<TestMember> {
    const member = user ?? (await this.newUser());
    await this.insert(Membership, { organizationId: org.id, userId: member.id, role });
    return { organizationId: org.id, userId: member.id, role, user: member };
  }

  newBuilding(org: OrganizationRef, overrides: DeepPartial<Building> = {}): Promise<Building> {
    return this.insert(Building, {
      organizationId: org.id,
      name: `Building ${uniqueSuffix()}`,
      addressLine: 'Vinohradská 1',
      city: 'Praha',
      postalCode: '12000',
      country: 'CZ',
      ...overrides,
    });
  }

  newUnit(building: Building, overrides: DeepPartial<Unit> = {}): Promise<Unit> {
    return this.insert(Unit, {
      organizationId: building.organizationId,
      buildingId: building.id,
      number: `U-${uniqueSuffix()}`,
      ...overrides,
    });
  }

  newPerson(org: OrganizationRef, overrides: DeepPartial<Person> = {}): Promise<Person> {
    const suffix = uniqueSuffix();
    return this.insert(Person, {
      organizationId: org.id,
      firstName: 'Jana',
      lastName: `Nováková ${suffix}`,
      email: `person-${suffix}@example.test`,
      ...overrides,
    });
  }

  /** An active lease of `unit`; its primary tenant is a new person unless given. */
  async newLease(unit: Unit, overrides: DeepPartial<Lease> = {}): Promise<Lease> {
    const primaryTenantId =
      overrides.primaryTenantId ?? (await this.newPerson({ id: unit.organizationId })).id;
    return this.insert(Lease, {
      organizationId: unit.organizationId,
      unitId: unit.id,
      primaryTenantId,
      leaseNumber: `L-${uniqueSuffix()}`,
      startDate: '2026-01-01',
      rentAmount: 15_000,
      currency: 'CZK',
      paymentDay: 5,
      status: 'active',
      ...overrides,
    });
  }

  /** Any other row, as the owner (RLS does not apply): `ctx.insert(Vote, {...})`. */
  insert<E extends ObjectLiteral>(entity: EntityTarget<E>, values: DeepPartial<NoInfer<E>>): Promise<E> {
    const repository = this.owner.getRepository(entity);
    const row: E = repository.create(values);
    return repository.save(row);
  }

  /** Closes the module, then drops the database and the Redis keys. */
  async close(): Promise<void> {
    await this.module.close();
    await this.owner.destroy();
    await Promise.all([this.db.drop(), this.cleanupRedis()]);
  }
}
