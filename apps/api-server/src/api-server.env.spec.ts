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

/** Production also needs the unsubscribe links' own secrets (not derived from the JWT key there). */
const PRODUCTION = { NODE_ENV: 'production', NOTIFICATION_UNSUBSCRIBE_SECRETS: 'u'.repeat(32) };

describe('ApiServerEnv', () => {
  it('refuses MAIL_TRANSPORT=log in production, where reset links would land in the logs', () => {
    expect(problemsOf({ ...PRODUCTION, MAIL_TRANSPORT: 'log' })).toEqual([
      expect.stringMatching(/^MAIL_TRANSPORT: must be smtp in production/),
    ]);
    expect(problemsOf({ ...PRODUCTION })).toEqual([
      expect.stringMatching(/^MAIL_TRANSPORT: must be smtp in production/),
    ]);
  });

  it('requires NOTIFICATION_UNSUBSCRIBE_SECRETS in production only', () => {
    const smtp = { MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mail.internal:25' };
    expect(problemsOf({ NODE_ENV: 'production', ...smtp })).toEqual([
      expect.stringMatching(/^NOTIFICATION_UNSUBSCRIBE_SECRETS: is required in production/),
    ]);
    expect(problemsOf({ NODE_ENV: 'development', ...smtp })).toEqual([]);
  });

  it('accepts smtp in production and log elsewhere', () => {
    expect(
      problemsOf({ ...PRODUCTION, MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mail.internal:25' }),
    ).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development', MAIL_TRANSPORT: 'log' })).toEqual([]);
  });
});
