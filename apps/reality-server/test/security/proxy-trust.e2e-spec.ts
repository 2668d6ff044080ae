import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PortalListingsRepository } from '../../src/modules/listings/portal-listings.repository';
import { bootRealityServer, type BootedRealityServer } from '../boot';

/**
 * The portal's per-IP limit (anonymous inquiries, 5 an hour) against a client that names its own
 * address in X-Forwarded-For. The portal runs alone: inquiries wait on it for api-server.
 */
async function publishedListing(portal: BootedRealityServer): Promise<string> {
  const listingId = randomUUID();
  await portal.app.get(PortalListingsRepository).apply(randomUUID(), 1, {
    listingId,
    status: 'published',
    transaction: 'rent',
    propertyType: 'apartment',
    title: 'Byt na spam',
    description: '',
    priceAmount: 2000000,
    currency: 'CZK',
    areaM2: 50,
    rooms: 2,
    floor: 1,
    energyClass: null,
    features: [],
    addressLine: 'Parková 1',
    city: 'Praha',
    region: null,
    postalCode: '110 00',
    country: 'CZ',
    latitude: null,
    longitude: null,
    photoDocumentIds: [],
    contactUserId: null,
    publishedAt: new Date().toISOString(),
  });
  return listingId;
}

const inquire = (portal: BootedRealityServer, listingId: string, forwardedFor: string) =>
  request(portal.app.getHttpServer())
    .post(`/api/v1/listings/${listingId}/inquiries`)
    .set('X-Forwarded-For', forwardedFor)
    .send({ name: 'Bot', email: 'bot@example.com', message: 'Buy now' });

describe('portal proxy trust: nobody trusted (the default)', () => {
  let portal: BootedRealityServer;
  beforeAll(async () => {
    portal = await bootRealityServer();
  });
  afterAll(() => portal.close());

  it('API4:2023 a new X-Forwarded-For on every inquiry does not escape the per-IP limit', async () => {
    const listingId = await publishedListing(portal);
    for (let i = 1; i <= 5; i++) await inquire(portal, listingId, `198.51.100.${i}`).expect(202);
    const limited = await inquire(portal, listingId, '198.51.100.6').expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-policy']).toBe('"inquiries-ip";q=5;w=3600');
  });
});

describe('portal proxy trust: loopback and 10.0.0.0/8 trusted', () => {
  let portal: BootedRealityServer;
  beforeAll(async () => {
    portal = await bootRealityServer({ TRUSTED_PROXIES: '127.0.0.1/32,::1/128,10.0.0.0/8' });
  });
  afterAll(() => portal.close());

  it('API4:2023 two trusted hops: the limit counts the right-most untrusted address, not what the client prepends', async () => {
    const listingId = await publishedListing(portal);
    // The client prepends a different address every time; the edge proxy (10.0.0.5) appends the real one.
    for (let i = 1; i <= 5; i++)
      await inquire(portal, listingId, `192.0.2.${i}, 203.0.113.9, 10.0.0.5`).expect(202);
    await inquire(portal, listingId, '192.0.2.99, 203.0.113.9, 10.0.0.5').expect(429);
    // Another client behind the same proxies has its own budget.
    await inquire(portal, listingId, '203.0.113.10, 10.0.0.5').expect(202);
  });
});
