import { validateEnv } from '@ppt/config';
import { composeProcesses, overlayProcesses, type ProcessEnv } from '@ppt/testing';
import { RealityServerEnv } from './reality-server.env';
import { signInOptionsFrom, ssoOptionsFrom } from './sso/sso.config';

/**
 * The portal's processes as the Kubernetes overlays and the compose file start them: each environment
 * passes the boot-time checks (validation, then the SSO settings production requires), listens on the
 * port its container declares, and reaches api-server at a URL other than its own loopback.
 */
const PORT_VARIABLE: Record<string, 'REALITY_PORT' | 'REALITY_WORKER_PORT'> = {
  'main.js': 'REALITY_PORT',
  'worker.js': 'REALITY_WORKER_PORT',
};
const processes = [
  ...overlayProcesses('dev'),
  ...overlayProcesses('staging'),
  ...overlayProcesses('prod'),
  ...composeProcesses(),
].filter((p) => p.image === 'ppt/reality-server');

/** What main.ts and worker.ts check after validation, before anything listens. */
function boot(p: ProcessEnv): RealityServerEnv {
  const env = validateEnv(RealityServerEnv, p.env);
  if (p.entry === 'main.js') signInOptionsFrom(env);
  else ssoOptionsFrom(env);
  return env;
}

describe('reality-server as deployed', () => {
  it('covers both processes in every overlay and in compose', () => {
    expect(processes.map((p) => p.where).sort()).toEqual([
      'compose/reality-server',
      'compose/reality-worker',
      'dev/reality-server',
      'dev/reality-worker',
      'prod/reality-server',
      'prod/reality-worker',
      'staging/reality-server',
      'staging/reality-worker',
    ]);
  });

  it.each(processes.map((p) => [p.where, p] as const))(
    '%s passes the boot checks and listens on its container port',
    (_where, p) => {
      const env = boot(p);
      expect(env.NODE_ENV).toBe('production');
      expect(p.ports).toEqual([env[PORT_VARIABLE[p.entry]]]);
      expect(new URL(env.API_SERVER_URL).hostname).toBe('api-server');
    },
  );

  it('names the variable when the portal server is deployed without its announcement keys', () => {
    const prod = processes.find((p) => p.where === 'prod/reality-server') as ProcessEnv;
    const { SSO_ANNOUNCEMENT_KEYS: _keys, ...rest } = prod.env;
    expect(() => boot({ ...prod, env: rest })).toThrow(/SSO_ANNOUNCEMENT_KEYS: required in production/);
    const { SSO_CLIENT_SECRET: _secret, ...noClient } = prod.env;
    expect(() => boot({ ...prod, entry: 'worker.js', env: noClient })).toThrow(
      /SSO_CLIENT_SECRET: required in production/,
    );
  });
});
