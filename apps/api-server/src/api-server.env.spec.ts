import { ConfigValidationError, validateEnv } from '@ppt/config';
import { testSigningKey } from '@ppt/testing';
import { ApiServerEnv } from './api-server.env';

const REQUIRED = {
  AUTH_JWT_PRIVATE_KEY: testSigningKey(),
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/ppt',
};

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnv(ApiServerEnv, { ...REQUIRED, ...raw });
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
}

describe('ApiServerEnv', () => {
  it('refuses MAIL_TRANSPORT=log in production, where reset links would land in the logs', () => {
    expect(problemsOf({ NODE_ENV: 'production', MAIL_TRANSPORT: 'log' })).toEqual([
      expect.stringMatching(/^MAIL_TRANSPORT: must be smtp in production/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^MAIL_TRANSPORT: must be smtp in production/),
    ]);
  });

  it('accepts smtp in production and log elsewhere', () => {
    expect(
      problemsOf({ NODE_ENV: 'production', MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mail.internal:25' }),
    ).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development', MAIL_TRANSPORT: 'log' })).toEqual([]);
  });
});
