#!/usr/bin/env node
// npm run db:migrate | db:revert — runs migrations/cli.ts (TypeScript, through @swc-node/register)
// as the database owner (DATABASE_MIGRATION_URL), with .env applied.
import { localEnv } from '../lib/env.mjs';
import { runDbCli } from '../lib/db.mjs';

const command = process.argv[2] ?? 'up';
process.exitCode = await runDbCli(command, localEnv());
