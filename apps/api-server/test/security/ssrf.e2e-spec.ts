import { startFakeWebhookPortal, type FakeWebhookPortal } from '@ppt/testing';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { PortalAdapters } from '@ppt/api-marketing-core';
import { bootApiServer, type BootedApiServer } from '../boot';
import { bearer, createOrganization, registerAndLogin } from '../identity';

/**
 * A manager configures portal endpoints the worker will call. Pointed inward (our own services,
 * the cloud metadata endpoint), the worker would be a proxy into our network: the endpoint is
 * refused when saved, and the guarded agent refuses the resolved address again at every call
 * (libs/outbound guarded-http.int-spec.ts covers names that resolve inward).
 */
describe('Security: outbound requests to configured URLs (api-server)', () => {
  let app: BootedApiServer;
  let internal: FakeWebhookPortal;
  let admin: string;
  const http = () => app.app.getHttpServer() as Server;
  const setWebhook = (endpoint: string) =>
    request(http())
      .put('/api/v1/syndication/portals/webhook')
      .set(bearer(admin))
      .send({
        enabled: true,
        credentials: { secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
        options: { endpoint },
      });
  const expectRefused = async (endpoint: string, reason: RegExp, code = 'PORTAL_ENDPOINT_NOT_ALLOWED') => {
    const res = await setWebhook(endpoint).expect(422);
    expect(res.body.error).toMatchObject({
      code,
      details: [{ field: 'options.endpoint', message: expect.stringMatching(reason) }],
    });
  };

  beforeAll(async () => {
    // "An internal service" on loopback, which this deployment has not allow-listed.
    internal = await startFakeWebhookPortal(['whsec_unused']);
    app = await bootApiServer({
      OUTBOUND_ALLOWED_CIDRS: '',
      SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    });
    const owner = await registerAndLogin(http(), 'ssrf-admin');
    admin = (await createOrganization(http(), owner)).adminToken;
  });
  afterAll(async () => {
    await app?.close();
    await internal?.close();
  });

  it('API7:2023 a webhook endpoint on a loopback service is refused when saved (plain http, https, localhost)', async () => {
    const port = new URL(internal.url).port;
    await expectRefused(internal.url, /must be https/);
    await expectRefused(`https://127.0.0.1:${port}/hook`, /loopback/);
    await expectRefused(`https://localhost:${port}/hook`, /loopback/);
    await expectRefused(`https://[::1]:${port}/hook`, /loopback/);
    expect(internal.deliveries).toHaveLength(0);
  });

  it('API7:2023 the cloud metadata endpoint and private, CGNAT and unspecified addresses are refused', async () => {
    await expectRefused('https://169.254.169.254/latest/meta-data/', /linkLocal/);
    await expectRefused('https://10.0.0.5/hook', /private/);
    await expectRefused('https://192.168.1.10/hook', /private/);
    await expectRefused('https://100.64.0.1/hook', /carrierGradeNat/);
    await expectRefused('https://0.0.0.0/hook', /unspecified/);
    await expectRefused('https://[fd00::1]/hook', /uniqueLocal/);
  });

  it('API7:2023 disguised loopback forms are refused: IPv4-mapped IPv6, hex IPv4; short IPv4 is no URL at all', async () => {
    await expectRefused('https://[::ffff:127.0.0.1]/hook', /loopback/);
    await expectRefused('https://[::ffff:a9fe:a9fe]/hook', /linkLocal/); // 169.254.169.254
    await expectRefused('https://0x7f000001/hook', /loopback/); // the URL parser reads it as 127.0.0.1
    await expectRefused('https://127.1/hook', /URL/, 'INVALID_PORTAL_CONFIG'); // not a URL to the request validation
  });

  it('API7:2023 plain http to a public host and URLs carrying credentials are refused; a public https endpoint is accepted', async () => {
    await expectRefused('http://portal.example.com/hook', /must be https/);
    await expectRefused('https://user:secret@portal.example.com/hook', /credentials/);
    await expectRefused('file:///etc/passwd', /URL/, 'INVALID_PORTAL_CONFIG');
    await setWebhook('https://portal.example.com/hook').expect(200);
  });

  it('API7:2023 an endpoint stored before the rule is refused when the worker calls it: nothing reaches the service, no body comes back', async () => {
    const webhook = app.app.get(PortalAdapters).get('webhook');
    const secret = internal.secrets[0];
    const ref = { listingId: 'l-1', organizationId: 'o-1', externalId: null, version: 1 };
    for (const endpoint of [internal.url, `https://127.0.0.1:${new URL(internal.url).port}/hook`]) {
      const err = await webhook
        .remove(ref, { organizationId: 'o-1', credentials: { secrets: [secret] }, options: { endpoint } })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', retryable: false });
      // What the manager reads never says what a host name resolves to (it would map internal DNS).
      expect((err as Error).message).not.toMatch(/resolves to/);
    }
    expect(internal.deliveries).toHaveLength(0);
    expect(internal.rejected).toBe(0);
  });
  it('API7:2023 OpenImmo import servers: sftp:// and ftps:// to public hosts are accepted (sftp only with a pinned host key); plain ftp:// and inward addresses are refused', async () => {
    const setOpenImmo = (options: Record<string, unknown>) =>
      request(http())
        .put('/api/v1/syndication/portals/openimmo')
        .set(bearer(admin))
        .send({
          enabled: false,
          credentials: { username: 'makler', password: 'geheim' },
          options: {
            providerId: 'P-1',
            providerName: 'Muster GmbH',
            technicalEmail: 'tech@example.com',
            ...options,
          },
        });
    const fingerprint = `SHA256:${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
    await setOpenImmo({
      endpoint: 'sftp://import.portal.example.com/in',
      hostKeySha256: fingerprint,
      reportsPath: '/out',
    }).expect(200);
    await setOpenImmo({ endpoint: 'ftps://ftp.portal.example.com:21/in' }).expect(200);

    const noKey = await setOpenImmo({ endpoint: 'sftp://import.portal.example.com/in' }).expect(422);
    expect(noKey.body.error).toMatchObject({
      code: 'INVALID_PORTAL_CONFIG',
      details: [{ field: 'options.hostKeySha256', message: expect.stringMatching(/fingerprint/) }],
    });
    const escape = await setOpenImmo({
      endpoint: 'ftps://ftp.portal.example.com/in',
      reportsPath: '/out/../../etc',
    }).expect(422);
    expect(escape.body.error.details).toEqual([
      { field: 'options.reportsPath', message: expect.stringMatching(/\.\./) },
    ]);
    for (const [endpoint, reason] of [
      ['ftp://ftp.portal.example.com/in', /unencrypted only to an allow-listed address/],
      [`sftp://127.0.0.1:22/in`, /loopback/],
      ['ftps://169.254.169.254/in', /linkLocal/],
    ] as const) {
      const res = await setOpenImmo({ endpoint, hostKeySha256: fingerprint }).expect(422);
      expect(res.body.error).toMatchObject({
        code: 'PORTAL_ENDPOINT_NOT_ALLOWED',
        details: [{ field: 'options.endpoint', message: expect.stringMatching(reason) }],
      });
    }
  });
});
