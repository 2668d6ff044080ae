#!/usr/bin/env node
// npm run db:backup -- [--out DIR]
// Writes DIR/database.dump (pg_dump, custom format) and DIR/manifest.json: per-table row counts and
// checksums taken in the same snapshot as the dump, the dump's sha256, and every document object's key
// and size. With BACKUP_S3_URI (s3://bucket/prefix) both files are uploaded to <prefix>/<DIR's name>/.
// Connects with DATABASE_BACKUP_URL (else DATABASE_MIGRATION_URL): a role that bypasses row-level
// security, since the tables force it. The documents themselves stay in their (versioned) bucket; the
// manifest is how a restore proves they are all still there.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import {
  DUMP_FILE,
  MANIFEST_FILE,
  SCHEMAS,
  openObjectStore,
  option,
  parseS3Uri,
  redact,
  runProgram,
  s3Client,
  sha256File,
  tableSums,
  uploadFile,
} from './backup-lib.mjs';

export async function backup(env, argv) {
  const url = env.DATABASE_BACKUP_URL || env.DATABASE_MIGRATION_URL;
  if (!url) throw new Error('DATABASE_BACKUP_URL (or DATABASE_MIGRATION_URL) is not set');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(option(argv, 'out') ?? join('.data', 'backups', stamp));
  await mkdir(out, { recursive: true });
  const dumpPath = join(out, DUMP_FILE);

  // One snapshot for the dump and the sums: the manifest describes exactly what the dump holds.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let tables;
  let serverVersion;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query(
      'SELECT pg_export_snapshot() AS snapshot, current_setting($1) AS version',
      ['server_version'],
    );
    serverVersion = rows[0].version;
    await runProgram('pg_dump', [
      '--format=custom',
      `--snapshot=${rows[0].snapshot}`,
      `--file=${dumpPath}`,
      `--dbname=${url}`,
    ]);
    tables = await tableSums(client);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }

  const store = await openObjectStore(env);
  let objects;
  try {
    objects = (await store.list()).sort((a, b) => a.key.localeCompare(b.key));
  } finally {
    store.close();
  }
  const manifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    database: {
      file: DUMP_FILE,
      bytes: (await stat(dumpPath)).size,
      sha256: await sha256File(dumpPath),
      serverVersion,
      // The dump holds the whole database (extensions included); the sums cover the platform's schemas.
      schemas: SCHEMAS,
      tables,
    },
    objects: {
      ...store.describe,
      count: objects.length,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      items: objects,
    },
  };
  await writeFile(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

  let uploadedTo;
  if (env.BACKUP_S3_URI) {
    const { bucket, prefix } = parseS3Uri(env.BACKUP_S3_URI);
    const at = [prefix, basename(out)].filter(Boolean).join('/');
    const s3 = await s3Client(env);
    try {
      await uploadFile(s3, bucket, `${at}/${DUMP_FILE}`, dumpPath);
      // The manifest last: its presence marks a complete backup.
      await uploadFile(s3, bucket, `${at}/${MANIFEST_FILE}`, join(out, MANIFEST_FILE));
    } finally {
      s3.destroy();
    }
    uploadedTo = `s3://${bucket}/${at}`;
  }
  const rows = Object.values(tables).reduce((sum, t) => sum + t.rows, 0);
  return {
    out,
    uploadedTo,
    database: redact(url),
    tables: Object.keys(tables).length,
    rows,
    objects: objects.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  backup(process.env, process.argv.slice(2)).then(
    (result) => process.stdout.write(`${JSON.stringify({ backup: 'ok', ...result })}\n`),
    (err) => {
      process.stderr.write(`db:backup failed: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
