import { IsString, MinLength } from 'class-validator';
import { CoreEnv } from './core-env';
import { ConfigValidationError, validateEnv } from './validate-env';

class AppEnv extends CoreEnv {
  @IsString()
  @MinLength(12)
  API_SECRET!: string;
}

describe('validateEnv', () => {
  it('fills defaults and converts types', () => {
    const env = validateEnv(AppEnv, {
      API_SECRET: 'x'.repeat(12),
      DB_POOL_MAX: '25',
      CORS_ORIGINS: 'https://a.test, https://b.test',
    });
    expect(env.DB_POOL_MAX).toBe(25);
    expect(env.CORS_ORIGINS).toEqual(['https://a.test', 'https://b.test']);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('names every problem in one readable message', () => {
    let error: ConfigValidationError | undefined;
    try {
      validateEnv(AppEnv, { DATABASE_URL: 'mysql://db/x', DB_POOL_MAX: 'many', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toContain('Invalid configuration (4 problems)');
    expect(error?.message).toContain('DATABASE_URL: must be a postgres:// URL (currently "mysql://db/x")');
    expect(error?.message).toMatch(/DB_POOL_MAX: .*must be an integer/);
    expect(error?.message).toMatch(/LOG_LEVEL: .*(currently "loud")/);
    expect(error?.message).toContain('API_SECRET: ');
    expect(error?.message).toContain('(currently unset)');
  });

  it('never prints the value of a secret', () => {
    expect(() => validateEnv(AppEnv, { API_SECRET: 'short' })).toThrow(
      /API_SECRET: .*\(currently set \(hidden\)\)/,
    );
  });

  it('treats empty strings as unset, so defaults apply', () => {
    const env = validateEnv(AppEnv, { API_SECRET: 'x'.repeat(12), LOG_LEVEL: '', SENTRY_DSN: '' });
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.SENTRY_DSN).toBeUndefined();
  });

  it('ignores variables the schema does not declare', () => {
    const env = validateEnv(AppEnv, { API_SECRET: 'x'.repeat(12), PATH: '/usr/bin' }) as unknown as Record<
      string,
      unknown
    >;
    expect(env.PATH).toBeUndefined();
  });

  it('trusts no proxy by default and accepts only addresses and CIDR ranges in TRUSTED_PROXIES', () => {
    expect(validateEnv(AppEnv, { API_SECRET: 'x'.repeat(12) }).TRUSTED_PROXIES).toEqual([]);
    expect(
      validateEnv(AppEnv, { API_SECRET: 'x'.repeat(12), TRUSTED_PROXIES: '10.42.0.0/16, fd00::/8,192.0.2.1' })
        .TRUSTED_PROXIES,
    ).toEqual(['10.42.0.0/16', 'fd00::/8', '192.0.2.1']);
    for (const bad of ['*', 'loopback', '10.0.0.0/33', 'true', '1'])
      expect(() => validateEnv(AppEnv, { API_SECRET: 'x'.repeat(12), TRUSTED_PROXIES: bad })).toThrow(
        /TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR ranges/,
      );
  });
});
