#!/usr/bin/env node
// npm run docs:permissions: regenerates docs/permissions.md from libs/auth's role → permissions table.
import { runTypeScript } from '../lib/db.mjs';

process.exitCode = await runTypeScript('tools/permissions/generate.ts', process.argv.slice(2), process.env);
