import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_JOBS_ROLE } from './tenant-transactions';

/** A role whose rights the login role has or can take with SET ROLE: itself or a group it belongs to. */
export interface ReachableRole {
  name: string;
  superuser: boolean;
  bypassRls: boolean;
  createRole: boolean;
  /** Tables, views, sequences, functions and schemas outside the system catalogs, and this database. */
  ownedObjects: number;
}

export interface RoleFlags {
  role: string;
  /** The login role first, then every role it is a member of, directly or through other groups. */
  reachable: ReachableRole[];
}

/**
 * Built-in roles that skip table privileges (a portal role in pg_read_all_data could read `users`,
 * which has no row-level security) or reach the server's files and programs.
 */
const PRIVILEGED_BUILTIN_ROLES = [
  'pg_read_all_data',
  'pg_write_all_data',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
];

export async function readRoleFlags(dataSource: DataSource): Promise<RoleFlags> {
  const rows = (await dataSource.query(
    `WITH reachable AS (
       SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole
         FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER'))
     SELECT current_user AS login, r.rolname AS name, r.rolsuper AS superuser,
            r.rolbypassrls AS bypass_rls, r.rolcreaterole AS create_role,
            ((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                 AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
            + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE p.proowner = r.oid AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
            + (SELECT count(*) FROM pg_namespace n
               WHERE n.nspowner = r.oid AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
            + (SELECT count(*) FROM pg_database d
               WHERE d.datname = current_database() AND d.datdba = r.oid))::int AS owned_objects
       FROM reachable r
      ORDER BY r.rolname = current_user DESC, r.rolname`,
  )) as {
    login: string;
    name: string;
    superuser: boolean;
    bypass_rls: boolean;
    create_role: boolean;
    owned_objects: number;
  }[];
  return {
    role: rows[0].login,
    reachable: rows.map((r) => ({
      name: r.name,
      superuser: r.superuser,
      bypassRls: r.bypass_rls,
      createRole: r.create_role,
      ownedObjects: r.owned_objects,
    })),
  };
}

/** Injection token: the only schema whose tables the process's role may touch (unset: no limit). */
export const CONFINED_TO_SCHEMA = Symbol('CONFINED_TO_SCHEMA');

/**
 * Tables, views and sequences outside `schema` (and the system catalogs) that the connected role holds
 * any privilege on, as "schema.name": what a process confined to `schema` must not reach.
 */
export async function reachableOutside(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows = (await dataSource.query(
    `SELECT n.nspname || '.' || c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname <> $1
        AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
        AND CASE WHEN c.relkind = 'S'
                 THEN has_sequence_privilege(c.oid, 'USAGE,SELECT,UPDATE')
                 ELSE has_table_privilege(c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER') END
      ORDER BY 1`,
    [schema],
  )) as { name: string }[];
  return rows.map((r) => r.name);
}

/** Injection token: true in the process that runs the platform jobs (api-server's worker). */
export const RUNS_PLATFORM_JOBS = Symbol('RUNS_PLATFORM_JOBS');

/**
 * Why a role may not serve requests; empty when it may. Membership counts as much as the role's own
 * attributes: a member can SET ROLE to its group, and inherits the group's ownership. Only the process
 * that runs the platform jobs may reach their role, and it must.
 */
export function roleProblems(flags: RoleFlags, { runsPlatformJobs = false } = {}): string[] {
  const problems: string[] = [];
  const [login] = flags.reachable;
  // A superuser is a member of every role: listing them all would bury the one problem that matters.
  for (const r of login.superuser ? [login] : flags.reachable) {
    const via = r.name === flags.role ? '' : ` through membership of "${r.name}"`;
    if (r.superuser) problems.push(`is a superuser${via}`);
    if (r.bypassRls) problems.push(`has BYPASSRLS${via}`);
    if (r.createRole) problems.push(`has CREATEROLE${via}`);
    if (r.ownedObjects > 0) problems.push(`owns ${r.ownedObjects} database object(s)${via}`);
    if (PRIVILEGED_BUILTIN_ROLES.includes(r.name)) problems.push(`is a member of ${r.name}`);
  }
  if (login.superuser) return problems;
  const reachesJobsRole = flags.reachable.some((r) => r.name === PLATFORM_JOBS_ROLE);
  if (reachesJobsRole && !runsPlatformJobs) {
    problems.push(`can act as "${PLATFORM_JOBS_ROLE}", the platform jobs' role (only the worker's role may)`);
  }
  if (!reachesJobsRole && runsPlatformJobs) {
    problems.push(`is not a member of "${PLATFORM_JOBS_ROLE}", the role the worker's platform jobs run as`);
  }
  return problems;
}

/**
 * Row-level security and per-service grants only protect tenants if the app's role cannot skip them:
 * refuse to start when DATABASE_URL logs in as (or as a member of) a superuser, a BYPASSRLS or
 * CREATEROLE role, an owner of tables, schemas, functions or the database, or a built-in role that
 * reads or writes every table; and, for a process confined to one schema (the portal), as a role that
 * reaches any table outside it (api-server's role given to the portal by mistake); and unless the
 * process runs the platform jobs, as a role that can act as theirs (the worker's role given to an HTTP
 * pod), or, in the worker, as a role that cannot.
 */
@Injectable()
export class AppRoleCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(AppRoleCheck.name);

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(CONFINED_TO_SCHEMA) private readonly confinedTo?: string,
    @Optional() @Inject(RUNS_PLATFORM_JOBS) private readonly runsPlatformJobs = false,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const flags = await readRoleFlags(this.dataSource);
    const problems = roleProblems(flags, { runsPlatformJobs: this.runsPlatformJobs });
    if (this.confinedTo) {
      const outside = await reachableOutside(this.dataSource, this.confinedTo);
      if (outside.length > 0) {
        problems.push(
          `may use ${outside.length} table(s) outside schema "${this.confinedTo}" (${outside.slice(0, 3).join(', ')}` +
            `${outside.length > 3 ? ', …' : ''}) — is this another service's role?`,
        );
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `DATABASE_URL connects as role "${flags.role}", which ${problems.join(', ')}; row-level security ` +
          "and the service's grants would not hold. Connect as the service's own role (see README, " +
          '"Database roles").',
      );
    }
    this.logger.log(
      `Database role "${flags.role}" is restricted (no superuser, BYPASSRLS or CREATEROLE, owns nothing, ` +
        'also through its groups)',
    );
  }
}
