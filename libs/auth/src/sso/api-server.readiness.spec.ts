import { ApiServerReadiness } from './api-server.readiness';
import type { IdentityProviderClient } from './identity-provider.client';
import { resolveSsoOptions } from './sso.options';

/** The readiness cache around api-server (the provider is a stand-in: this is the caching rule alone). */
describe('ApiServerReadiness', () => {
  const options = resolveSsoOptions({
    apiServerUrl: 'http://api-server',
    issuer: 'http://api-server',
    audience: 'ppt-portal',
    clientId: 'reality-server',
    clientSecret: 'secret',
    cacheTtlS: 300,
    readinessCacheMs: 60_000,
  });
  let reachable = false;
  let calls = 0;
  const provider = {
    liveness: async () => {
      calls += 1;
      if (!reachable) throw new Error('connect ECONNREFUSED');
    },
    introspect: async () => ({ active: false }),
  } as unknown as IdentityProviderClient;

  it('asks again on every probe until api-server has answered once, then reuses answers for the cache period', async () => {
    const readiness = new ApiServerReadiness(options, provider);
    expect((await readiness.check()).status).toBe('down');
    expect((await readiness.check()).status).toBe('down');
    expect(calls).toBe(2);
    reachable = true;
    expect((await readiness.check()).status).toBe('up');
    reachable = false;
    // Reached once: the answer is reused within readinessCacheMs, however often the probe asks.
    expect((await readiness.check()).status).toBe('up');
    expect(calls).toBe(3);
  });
});
