import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RoleFlags {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  ownedTables: number;
}

export async function readRoleFlags(dataSource: DataSource): Promise<RoleFlags> {
  const [row] = (await dataSource.query(
    `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
            (SELECT count(*)::int FROM pg_tables t
              WHERE t.schemaname = current_schema() AND t.tableowner = current_user) AS owned_tables
       FROM pg_roles r WHERE r.rolname = current_user`,
  )) as { role: string; superuser: boolean; bypass_rls: boolean; owned_tables: number }[];
  return {
    role: row.role,
    superuser: row.superuser,
    bypassRls: row.bypass_rls,
    ownedTables: row.owned_tables,
  };
}

/** Why a role may not serve requests; empty when it may. */
export function roleProblems(flags: RoleFlags): string[] {
  const problems: string[] = [];
  if (flags.superuser) problems.push('is a superuser');
  if (flags.bypassRls) problems.push('has BYPASSRLS');
  if (flags.ownedTables > 0) problems.push(`owns ${flags.ownedTables} table(s)`);
  return problems;
}

/**
 * Row-level security only protects tenants if the app's role cannot skip it: refuse to start when
 * DATABASE_URL logs in as a superuser, a BYPASSRLS role or the tables' owner.
 */
@Injectable()
export class AppRoleCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(AppRoleCheck.name);

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const flags = await readRoleFlags(this.dataSource);
    const problems = roleProblems(flags);
    if (problems.length > 0) {
      throw new Error(
        `DATABASE_URL connects as role "${flags.role}", which ${problems.join(', ')}; row-level security ` +
          'would not protect tenants. Connect as the application role (see README, "Database roles").',
      );
    }
    this.logger.log(
      `Database role "${flags.role}" is restricted (no superuser, no BYPASSRLS, owns no tables)`,
    );
  }
}
