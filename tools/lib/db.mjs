import { join } from 'node:path';
import { ROOT, run } from './workspace.mjs';

/** migrations/cli.ts provision|up|down|status, from source. */
export function runDbCli(command, env) {
  return run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'migrations', 'cli.ts'), command], {
    env: { ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
  });
}
