/* eslint-disable no-console */
// Jest globalSetup runs outside Jest's module resolver, so register the tsconfig path aliases first.
import { register } from 'tsconfig-paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../..');
const { compilerOptions } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
register({ baseUrl: workspaceRoot, paths: compilerOptions.paths });

/**
 * Once per Jest run: make sure PostgreSQL and Redis answer, then build the migrated template
 * database every test file clones (CREATE DATABASE … TEMPLATE, milliseconds) unless an identical
 * one exists. An advisory lock keeps parallel Jest processes from building it twice.
 */
export default async function globalSetup(): Promise<void> {
  // Loaded after register() so their @ppt/* imports resolve.
  const { prepareTemplateDatabase } = await import('./template-database');
  const { assertRedisReachable } = await import('./test-redis');
  await assertRedisReachable();
  await prepareTemplateDatabase();
}
