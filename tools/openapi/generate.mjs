#!/usr/bin/env node
// npm run openapi [-- --release]: regenerates docs/openapi/*.json and libs/api-client's types from
// the apps' code (tools/openapi/generate.ts); --release also records them as the last released ones.
import { runTypeScript } from '../lib/db.mjs';

process.exitCode = await runTypeScript('tools/openapi/generate.ts', process.argv.slice(2), process.env);
