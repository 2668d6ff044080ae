#!/usr/bin/env node
// npm run db:backup | db:restore: tools/db/backup.mjs or restore.mjs with .env applied, as db:migrate
// runs (the ppt/backup image runs those two files directly, with the environment it is given).
import { localEnv } from '../lib/env.mjs';
import { backup } from './backup.mjs';
import { restore } from './restore.mjs';

const [command, ...argv] = process.argv.slice(2);
const commands = { backup, restore };
if (!commands[command]) {
  process.stderr.write('usage: local.mjs backup [--out DIR] | restore --from DIR\n');
  process.exit(2);
}
commands[command](localEnv(), argv).then(
  (result) => process.stdout.write(`${JSON.stringify({ [command]: 'ok', ...result })}\n`),
  (err) => {
    process.stderr.write(`db:${command} failed: ${err.message}\n`);
    process.exitCode = 1;
  },
);
