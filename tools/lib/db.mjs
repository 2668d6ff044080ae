import { join } from 'node:path';
import { ROOT, run } from './workspace.mjs';

/** Runs a TypeScript entry point from source (@swc-node/register with the workspace path aliases). */
export function runTypeScript(file, args, env) {
  return run(process.execPath, ['-r', '@swc-node/register', join(ROOT, file), ...args], {
    env: { ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
  });
}

/** migrations/cli.ts provision|up|down|status. */
export function runDbCli(command, env) {
  return runTypeScript('migrations/cli.ts', [command], env);
}
