import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import {
  connectAdmin,
  createTestDatabase,
  startS3Server,
  type S3Server,
  type TestDatabase,
} from '@ppt/testing';

/**
 * npm run db:backup / db:restore against the real PostgreSQL and an S3 server (s3rver): a seeded
 * system is backed up, its database dropped and restored from the uploaded backup, and every table
 * must come back with the same rows (count and a checksum computed here, independently of the tools),
 * every document object in the manifest must be found, and the application role must still work.
 */
const TOOLS = __dirname;

function runNode(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(TOOLS, script), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Exit code 0; otherwise the tool's stderr, so a failing test says why. */
function succeeded(run: { code: number; stderr: string }): true | string {
  return run.code === 0 || run.stderr;
}

async function withClient<T>(url: string, run: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Every table of the platform's schemas: row count and md5 of its rows in text form, sorted. */
function snapshot(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const { rows: tables } = await c.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname IN ('public', 'portal') ORDER BY 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await c.query<{ n: string; sum: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS sum FROM ${name} r`,
      );
      out[name] = `${rows[0].n} rows ${rows[0].sum ?? 'empty'}`;
    }
    return out;
  });
}

async function recreateEmpty(name: string): Promise<void> {
  const admin = await connectAdmin();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

describe('db:backup and db:restore', () => {
  let db: TestDatabase;
  let s3: S3Server;
  let client: S3Client;
  let work: string;
  let env: Record<string, string>;
  const documents: { key: string; size: number }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    s3 = await startS3Server('ppt-documents');
    client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    work = await mkdtemp(join(tmpdir(), 'ppt-backup-'));
    env = {
      DATABASE_BACKUP_URL: db.ownerUrl,
      DATABASE_RESTORE_URL: db.ownerUrl,
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      // s3rver holds one bucket: backups go under a prefix of it, listed after the documents were.
      BACKUP_S3_URI: `s3://${s3.bucket}/backups`,
    };
    await withClient(db.ownerUrl, async (c) => {
      for (const orgName of ['SVJ Vinohradská 12', 'Byty Praha s.r.o.']) {
        const org = randomUUID();
        await c.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3)`, [
          org,
          orgName,
          `org-${org.slice(0, 8)}`,
        ]);
        const building = randomUUID();
        await c.query(
          `INSERT INTO buildings (id, organization_id, name, address_line, city, postal_code, country) VALUES ($1, $2, 'Dům A', 'Vinohradská 12', 'Praha', '12000', 'CZ')`,
          [building, org],
        );
        for (const number of ['1', '2', '3'])
          await c.query(`INSERT INTO units (organization_id, building_id, number) VALUES ($1, $2, $3)`, [
            org,
            building,
            number,
          ]);
        for (const [i, size] of [1, 70_000].entries()) {
          const key = `org/${org}/documents/${randomUUID()}`;
          await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: randomBytes(size) }));
          documents.push({ key, size });
          await c.query(
            `INSERT INTO documents (organization_id, title, category, status, file_name, object_key, content_type, size_bytes)
             VALUES ($1, $2, 'contract', 'active', $3, $4, 'application/pdf', $5)`,
            [org, `Smlouva ${i}`, `smlouva-${i}.pdf`, key, size],
          );
        }
      }
      await c.query(
        `INSERT INTO users (email, display_name) VALUES ('anna@example.com', 'Anna Nováková'), ('petr@example.com', 'Petr')`,
      );
    });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('backs up a seeded system, restores it into an empty database, and everything comes back', async () => {
    const before = await snapshot(db.ownerUrl);
    expect(before['public.units']).toMatch(/^6 rows /);

    const backup = await runNode('backup.mjs', ['--out', join(work, 'nightly-1')], env);
    expect(succeeded(backup)).toBe(true);
    expect(JSON.parse(backup.stdout)).toMatchObject({
      backup: 'ok',
      uploadedTo: `s3://${s3.bucket}/backups/nightly-1`,
      objects: 4,
    });

    const manifest = JSON.parse(await readFile(join(work, 'nightly-1', 'manifest.json'), 'utf8'));
    expect(manifest.objects.items).toEqual([...documents].sort((a, b) => a.key.localeCompare(b.key)));
    for (const [name, summary] of Object.entries(before))
      expect({ name, rows: manifest.database.tables[name]?.rows }).toEqual({
        name,
        rows: Number(summary.split(' ')[0]),
      });

    await db.drop();
    await recreateEmpty(db.name);
    expect(Object.keys(await snapshot(db.ownerUrl))).toEqual([]);

    const restored = await runNode('restore.mjs', ['--from', `s3://${s3.bucket}/backups/nightly-1`], env);
    expect(succeeded(restored)).toBe(true);
    expect(JSON.parse(restored.stdout)).toMatchObject({ restore: 'ok', objects: 4 });
    expect(await snapshot(db.ownerUrl)).toEqual(before);

    // The grants came back too: api-server's role reads (row-level security still applies to it).
    const visible = await withClient(db.appUrl, (c) =>
      c.query('SELECT count(*)::int AS n FROM organizations'),
    );
    expect(visible.rows[0].n).toBe(0);
  }, 120_000);

  it('refuses to restore over a database that has tables', async () => {
    const res = await runNode('restore.mjs', ['--from', join(work, 'nightly-1')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/already has \d+ tables: restore only into an empty database/);
  }, 60_000);

  it('fails, naming the object, when a document in the manifest is gone from the store', async () => {
    const gone = documents[1];
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: gone.key }));
    await recreateEmpty(db.name);
    const res = await runNode('restore.mjs', ['--from', join(work, 'nightly-1')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`1 document object(s) not as backed up:\n  ${gone.key} is missing`);
  }, 60_000);

  it('refuses a dump that is not the one the manifest describes', async () => {
    await recreateEmpty(db.name);
    const other = await runNode('backup.mjs', ['--out', join(work, 'nightly-2')], {
      ...env,
      DATABASE_BACKUP_URL: db.ownerUrl,
      BACKUP_S3_URI: '',
    });
    expect(succeeded(other)).toBe(true);
    await copyFile(join(work, 'nightly-2', 'database.dump'), join(work, 'nightly-1', 'database.dump'));
    const res = await runNode('restore.mjs', ['--from', join(work, 'nightly-1')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/the dump's sha256 [0-9a-f]{64} differs from the manifest's/);
  }, 60_000);

  it("lists the local driver's files in the manifest (STORAGE_DRIVER=local)", async () => {
    const root = join(work, 'storage');
    await mkdir(join(root, 'org', 'a'), { recursive: true });
    await writeFile(join(root, 'org', 'a', 'one.pdf'), randomBytes(10));
    await writeFile(join(root, 'org', 'two.pdf'), randomBytes(2048));
    const run = await runNode('backup.mjs', ['--out', join(work, 'local-1')], {
      DATABASE_BACKUP_URL: db.ownerUrl,
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: root,
    });
    expect(succeeded(run)).toBe(true);
    const manifest = JSON.parse(await readFile(join(work, 'local-1', 'manifest.json'), 'utf8'));
    expect(manifest.objects).toEqual({
      driver: 'local',
      root,
      count: 2,
      bytes: 2058,
      items: [
        { key: 'org/a/one.pdf', size: 10 },
        { key: 'org/two.pdf', size: 2048 },
      ],
    });
  }, 60_000);
});
