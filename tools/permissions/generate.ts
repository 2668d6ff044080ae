// npm run docs:permissions: writes docs/permissions.md from the role → permissions table in libs/auth.
import { permissionsDocument } from '@ppt/auth';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const target = join(__dirname, '../../docs/permissions.md');
writeFileSync(target, permissionsDocument());
process.stdout.write(`wrote ${target}\n`);
