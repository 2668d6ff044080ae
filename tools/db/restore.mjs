#!/usr/bin/env node
// npm run db:restore -- --from DIR | --from s3://bucket/prefix/<backup>
// Restores a db:backup into an EMPTY database (DATABASE_RESTORE_URL, else DATABASE_MIGRATION_URL; it
// refuses a database that already has tables), then proves the result: the dump's sha256 matches the
// manifest, every table's row count and checksum equal the manifest's, and every document object the
// manifest lists is in the store (STORAGE_DRIVER and friends) with its size. Exit 1 on any difference,
// naming it. The login roles are cluster-wide: on a new server, create them first
// (`node migrate.js provision`), or the restored grants name roles that do not exist.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  DUMP_FILE,
  MANIFEST_FILE,
  downloadFile,
  openObjectStore,
  option,
  parseS3Uri,
  redact,
  runProgram,
  s3Client,
  sha256File,
  tableSums,
} from './backup-lib.mjs';

export class RestoreError extends Error {}

export async function restore(env, argv) {
  const from = option(argv, 'from');
  if (!from) throw new RestoreError('usage: db:restore --from DIR | --from s3://bucket/prefix');
  const url = env.DATABASE_RESTORE_URL || env.DATABASE_MIGRATION_URL;
  if (!url) throw new RestoreError('DATABASE_RESTORE_URL (or DATABASE_MIGRATION_URL) is not set');

  const { dir, cleanup } = await fetchBackup(env, from);
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    if (manifest.format !== 1) throw new RestoreError(`unknown manifest format ${manifest.format}`);
    const dumpPath = join(dir, manifest.database.file ?? DUMP_FILE);
    const sha = await sha256File(dumpPath);
    if (sha !== manifest.database.sha256)
      throw new RestoreError(
        `the dump's sha256 ${sha} differs from the manifest's ${manifest.database.sha256}`,
      );

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      );
      if (rows[0].tables > 0)
        throw new RestoreError(
          `${redact(url)} already has ${rows[0].tables} tables: restore only into an empty database`,
        );
      await runProgram('pg_restore', [
        '--exit-on-error',
        '--single-transaction',
        `--dbname=${url}`,
        dumpPath,
      ]);
      const restored = await tableSums(client);
      const differences = compareTables(manifest.database.tables, restored);
      if (differences.length)
        throw new RestoreError(`restored data differs from the backup:\n  ${differences.join('\n  ')}`);
    } finally {
      await client.end();
    }

    const store = await openObjectStore(env);
    const missing = [];
    try {
      for (const item of manifest.objects.items) {
        const size = await store.sizeOf(item.key);
        if (size !== item.size)
          missing.push(
            size === undefined ? `${item.key} is missing` : `${item.key} has ${size} bytes, not ${item.size}`,
          );
      }
    } finally {
      store.close();
    }
    if (missing.length)
      throw new RestoreError(
        `${missing.length} document object(s) not as backed up:\n  ${missing.join('\n  ')}`,
      );
    const rowsTotal = Object.values(manifest.database.tables).reduce((sum, t) => sum + t.rows, 0);
    return {
      database: redact(url),
      tables: Object.keys(manifest.database.tables).length,
      rows: rowsTotal,
      objects: manifest.objects.items.length,
    };
  } finally {
    await cleanup();
  }
}

function compareTables(expected, actual) {
  const differences = [];
  for (const name of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const [e, a] = [expected[name], actual[name]];
    if (!e) differences.push(`${name}: not in the backup`);
    else if (!a) differences.push(`${name}: missing after restore`);
    else if (e.rows !== a.rows) differences.push(`${name}: ${a.rows} rows, the backup has ${e.rows}`);
    else if (e.checksum !== a.checksum) differences.push(`${name}: same row count, different content`);
  }
  return differences;
}

async function fetchBackup(env, from) {
  if (!from.startsWith('s3://')) return { dir: resolve(from), cleanup: async () => undefined };
  const { bucket, prefix } = parseS3Uri(from);
  const dir = await mkdtemp(join(tmpdir(), 'ppt-restore-'));
  const s3 = await s3Client(env);
  try {
    for (const file of [MANIFEST_FILE, DUMP_FILE])
      await downloadFile(s3, bucket, `${prefix}/${file}`, join(dir, file));
  } finally {
    s3.destroy();
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  restore(process.env, process.argv.slice(2)).then(
    (result) => process.stdout.write(`${JSON.stringify({ restore: 'ok', ...result })}\n`),
    (err) => {
      process.stderr.write(`db:restore failed: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
