import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

export type EnvClass<T> = new () => T;
export type RawEnv = Record<string, string | undefined>;

/** Thrown when the environment does not satisfy the schema; its message names every problem. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * Turns raw environment strings into a typed, validated config object. Empty strings count as unset,
 * so `FOO=` in a .env file falls back to the default instead of failing a format check.
 */
export function validateEnv<T extends object>(envClass: EnvClass<T>, raw: RawEnv): T {
  const known = declaredKeys(envClass);
  const present: Record<string, string> = {};
  for (const key of known) {
    const value = raw[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const config = plainToInstance(envClass, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigValidationError(errors.map(describe));
  return Object.freeze(config);
}

/** Every variable the class declares: those with defaults and those that only carry validators. */
function declaredKeys(envClass: EnvClass<object>): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(envClass, '', true, false)
    .map((m) => m.propertyName);
  return [...new Set([...Object.keys(new envClass()), ...validated])];
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const secret = /PASSWORD|SECRET|KEY|TOKEN|DSN/i.test(error.property);
  const shown = error.value === undefined ? 'unset' : secret ? 'set (hidden)' : JSON.stringify(error.value);
  return `${error.property}: ${reasons} (currently ${shown})`;
}
