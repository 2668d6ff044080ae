import { validateEnv } from '@ppt/config';
import { RealityServerEnv } from './reality-server.env';

describe("reality-server's database connection", () => {
  it("API8:2023 defaults to the portal's own role, not api-server's", () => {
    expect(new URL(validateEnv(RealityServerEnv, {}).DATABASE_URL).username).toBe('ppt_portal');
  });

  it('still refuses a DATABASE_URL that is not a postgres:// URL', () => {
    expect(() => validateEnv(RealityServerEnv, { DATABASE_URL: 'mysql://ppt_portal@db/ppt' })).toThrow(
      expect.objectContaining({
        problems: [expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/)],
      }),
    );
  });
});
