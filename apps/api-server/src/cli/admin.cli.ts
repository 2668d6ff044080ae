/* eslint-disable no-console -- a command-line tool */
import { buildDataSourceOptions, Membership, OAuthClient, Organization, PM_ENTITIES, User } from '@ppt/db';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource, type EntityManager } from 'typeorm';
import { slugify } from '../modules/organizations/organizations.service';
import { Passwords } from '../modules/users/passwords';

const USAGE = `Operator commands (run as the database owner, DATABASE_MIGRATION_URL — an explicit unscoped path):
  create-admin         --email <e-mail> --password <password> [--name <display name>]
                       creates a platform administrator, or promotes an existing account
  create-organization  --name <name> --admin-email <e-mail> [--slug <slug>]
                       creates an organisation with that account as org_admin
  create-client        --client-id <id> --name <name> --scopes <a,b,…>
                       creates an OAuth client (client credentials) and prints its secret once
  ensure-client        --client-id <id> --name <name> --scopes <a,b,…>   (secret in OAUTH_CLIENT_SECRET)
                       creates the client with that secret, or sets its secret and scopes (local set-up)`;

const passwords = new Passwords();

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      slug: { type: 'string' },
      'client-id': { type: 'string' },
      scopes: { type: 'string' },
    },
  });
  const url = process.env.DATABASE_MIGRATION_URL;
  if (!url) throw new Error('DATABASE_MIGRATION_URL is not set (see .env.example)');
  const ds = await new DataSource(
    buildDataSourceOptions({ url, applicationName: 'ppt-admin-cli' }, { entities: PM_ENTITIES }),
  ).initialize();
  try {
    switch (command) {
      case 'create-admin':
        return await createAdmin(
          ds,
          need(values.email, '--email'),
          need(values.password, '--password'),
          values.name,
        );
      case 'create-organization':
        return await createOrganization(
          ds,
          need(values.name, '--name'),
          need(values['admin-email'], '--admin-email'),
          values.slug,
        );
      case 'create-client':
        return await createClient(
          ds,
          need(values['client-id'], '--client-id'),
          need(values.name, '--name'),
          need(values.scopes, '--scopes'),
        );
      case 'ensure-client':
        return await ensureClient(
          ds,
          need(values['client-id'], '--client-id'),
          need(values.name, '--name'),
          need(values.scopes, '--scopes'),
          need(process.env.OAUTH_CLIENT_SECRET, 'OAUTH_CLIENT_SECRET'),
        );
      default:
        console.log(USAGE);
        process.exitCode = command ? 2 : 0;
    }
  } finally {
    await ds.destroy();
  }
}

async function createAdmin(ds: DataSource, email: string, password: string, name?: string): Promise<void> {
  if (password.length < 12) throw new Error('the password must have at least 12 characters');
  const passwordHash = await passwords.hash(password);
  const existing = await findUser(ds.manager, email);
  if (existing) {
    await ds.manager.update(
      User,
      { id: existing.id },
      { isPlatformAdmin: true, passwordHash, disabledAt: null },
    );
    console.log(`Promoted ${existing.email} to platform administrator (password updated)`);
    return;
  }
  const user = await ds.manager.save(
    ds.manager.create(User, {
      email,
      displayName: name ?? email.split('@')[0],
      passwordHash,
      isPlatformAdmin: true,
      emailVerifiedAt: new Date(),
      disabledAt: null,
    }),
  );
  console.log(`Created platform administrator ${user.email} (${user.id})`);
}

async function createOrganization(
  ds: DataSource,
  name: string,
  adminEmail: string,
  slug?: string,
): Promise<void> {
  const admin = await findUser(ds.manager, adminEmail);
  if (!admin)
    throw new Error(`no account with the e-mail ${adminEmail}; create it first (register, or create-admin)`);
  // Whoever registered an address first need not own it: only a proven address may be made org_admin.
  if (!admin.emailVerifiedAt)
    throw new Error(
      `${admin.email} has not confirmed its e-mail address yet; confirm it (or reset the password) first`,
    );
  const id = randomUUID();
  await ds.transaction(async (m) => {
    // The owner may be subject to FORCE ROW LEVEL SECURITY when it is not a superuser: act in the new organisation.
    await m.query(`SELECT set_config('app.current_org', $1, true)`, [id]);
    await m.insert(Organization, {
      id,
      name,
      slug: slug ?? `${slugify(name)}-${randomBytes(3).toString('hex')}`,
    });
    await m.insert(Membership, { organizationId: id, userId: admin.id, role: 'org_admin' });
  });
  console.log(`Created organisation "${name}" (${id}) with ${admin.email} as org_admin`);
}

async function createClient(ds: DataSource, clientId: string, name: string, scopes: string): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  await ds.manager.insert(OAuthClient, {
    clientId,
    name,
    secretHash: await passwords.hash(secret),
    scopes: scopeList(scopes),
    disabledAt: null,
  });
  console.log(`Created OAuth client ${clientId}. Its secret (shown only now):\n${secret}`);
}

/**
 * `npm start` keeps the portal's client in step with the secret it generated in .env: the secret comes
 * from the environment (never the command line, which other users of the machine can read).
 */
async function ensureClient(
  ds: DataSource,
  clientId: string,
  name: string,
  scopes: string,
  secret: string,
): Promise<void> {
  if (secret.length < 16) throw new Error('OAUTH_CLIENT_SECRET must have at least 16 characters');
  const fields = {
    name,
    secretHash: await passwords.hash(secret),
    scopes: scopeList(scopes),
    disabledAt: null,
  };
  const existing = await ds.manager.findOneBy(OAuthClient, { clientId });
  if (existing) await ds.manager.update(OAuthClient, { clientId }, fields);
  else await ds.manager.insert(OAuthClient, { clientId, ...fields });
  console.log(
    `OAuth client ${clientId} ${existing ? 'updated' : 'created'} (scopes ${scopeList(scopes).join(' ')})`,
  );
}

function scopeList(scopes: string): string[] {
  return scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function findUser(manager: EntityManager, email: string): Promise<User | null> {
  return manager.createQueryBuilder(User, 'u').where('lower(u.email) = lower(:email)', { email }).getOne();
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required\n\n${USAGE}`);
  return value;
}

main().catch((err: unknown) => {
  console.error(`admin: ${(err as Error).message}`);
  process.exit(1);
});
