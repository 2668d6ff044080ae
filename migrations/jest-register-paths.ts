// Jest's globalSetup runs outside Jest's module resolver: map the @ppt/* aliases before anything
// that uses them is loaded (imported first by jest-global-setup.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsconfig-paths';

const workspaceRoot = join(__dirname, '..');
const { compilerOptions } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
register({ baseUrl: workspaceRoot, paths: compilerOptions.paths });
