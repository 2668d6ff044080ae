// Shared by npm run db:backup and db:restore (tools/db/backup.mjs, restore.mjs), and by the ppt/backup
// image: node built-ins, pg and the AWS SDK only (no workspace helpers), so the image needs nothing else.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';

export const DUMP_FILE = 'database.dump';
export const MANIFEST_FILE = 'manifest.json';
/** Schemas that hold the platform's data (api-server's and the portal's). */
export const SCHEMAS = ['public', 'portal'];

/**
 * Row count and a checksum per table: md5 over the sorted md5 of every row's text form, so equal data
 * gives equal sums whatever the physical order. `row_security = off` makes PostgreSQL refuse, rather
 * than silently filter, when the role does not bypass the tables' forced row-level security.
 */
export async function tableSums(client) {
  await client.query('SET row_security = off');
  const { rows: tables } = await client.query(
    `SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1, 2`,
    [SCHEMAS],
  );
  const sums = {};
  for (const { schemaname, tablename } of tables) {
    const name = `${pg.escapeIdentifier(schemaname)}.${pg.escapeIdentifier(tablename)}`;
    const { rows } = await client.query(
      `SELECT count(*)::bigint AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS checksum
         FROM (SELECT md5(t::text) AS h FROM ${name} t) hashed`,
    );
    sums[`${schemaname}.${tablename}`] = { rows: Number(rows[0].rows), checksum: rows[0].checksum };
  }
  return sums;
}

export async function sha256File(path) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Runs a PostgreSQL client program; rejects with its stderr when it fails. */
export function runProgram(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (err) => reject(new Error(`${program}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${program} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** The document store as the apps configure it (STORAGE_DRIVER and friends, libs/storage). */
export async function openObjectStore(env) {
  if ((env.STORAGE_DRIVER ?? 'local') === 'local') {
    const root = env.STORAGE_LOCAL_ROOT ?? '.data/storage';
    return {
      describe: { driver: 'local', root },
      async list() {
        const items = [];
        for (const path of await walk(root))
          items.push({ key: relative(root, path).split(sep).join('/'), size: (await stat(path)).size });
        return items;
      },
      async sizeOf(key) {
        return stat(join(root, ...key.split('/'))).then(
          (s) => s.size,
          () => undefined,
        );
      },
      close() {},
    };
  }
  const s3 = await s3Client(env);
  const bucket = env.S3_BUCKET;
  if (!bucket) throw new Error('S3_BUCKET is not set');
  const { ListObjectsV2Command, HeadObjectCommand } = await import('@aws-sdk/client-s3');
  return {
    describe: { driver: 's3', bucket, endpoint: env.S3_ENDPOINT ?? null },
    async list() {
      const items = [];
      let token;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) items.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return items;
    },
    async sizeOf(key) {
      try {
        return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
      } catch (err) {
        if (err.$metadata?.httpStatusCode === 404 || err.name === 'NotFound') return undefined;
        throw err;
      }
    },
    close: () => s3.destroy(),
  };
}

export async function s3Client(env) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const credentials =
    env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
      : undefined;
  return new S3Client({
    region: env.S3_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT || undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' || env.S3_FORCE_PATH_STYLE === '1',
    credentials,
    // As libs/storage's driver: plain bodies, which every S3-compatible store accepts (aws-chunked
    // trailing checksums are not understood by all of them); the manifest's sha256 guards the dump.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** `s3://bucket/prefix` → { bucket, prefix } (prefix without slashes at either end). */
export function parseS3Uri(uri) {
  const match = /^s3:\/\/([a-z0-9.-]{3,63})(?:\/(.*))?$/.exec(uri);
  if (!match) throw new Error(`not an s3://bucket/prefix URI: ${uri}`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/** Multipart past the first part (lib-storage), so a dump above S3's 5 GB single-PUT limit uploads too. */
export async function uploadFile(s3, bucket, key, path) {
  const { Upload } = await import('@aws-sdk/lib-storage');
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path) },
    partSize: 64 * 1024 * 1024,
  }).done();
}

export async function downloadFile(s3, bucket, key, path) {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(Body, createWriteStream(path));
}

async function walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const files = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** `--name value` arguments. */
export function option(argv, name) {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** The URL without its password, for messages. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
