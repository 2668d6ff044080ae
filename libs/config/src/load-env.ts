import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateEnv, type EnvClass, type RawEnv } from './validate-env';

/**
 * Reads the environment (plus `.env` in the working directory, outside tests; real variables win)
 * and validates it. Throws ConfigValidationError naming every problem.
 */
export function loadEnv<T extends object>(envClass: EnvClass<T>, overrides: RawEnv = {}): T {
  const fromFile = process.env.NODE_ENV === 'test' ? {} : readDotEnv(resolve(process.cwd(), '.env'));
  return validateEnv(envClass, { ...fromFile, ...process.env, ...overrides });
}

function readDotEnv(path: string): RawEnv {
  return existsSync(path) ? parse(readFileSync(path)) : {};
}
