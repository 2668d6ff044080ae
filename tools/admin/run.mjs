#!/usr/bin/env node
// npm run admin -- <command> [options]: operator commands (tools/admin/cli.ts) with .env applied.
import { runTypeScript } from '../lib/db.mjs';
import { localEnv } from '../lib/env.mjs';

process.exitCode = await runTypeScript('apps/api-server/src/cli/admin.cli.ts', process.argv.slice(2), localEnv());
