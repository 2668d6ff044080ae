import type { ListingSnapshot } from '@ppt/events';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PortalListingsRepository } from '../src/modules/listings/portal-listings.repository';
import { bootRealityServer, type BootedRealityServer } from './boot';

/**
 * The public search over the read model, against a seeded set: the rows are written the way the
 * portal feed writes them (versioned snapshots), then found through the HTTP API.
 */
describe('public listing search', () => {
  let server: BootedRealityServer;
  const http = () => server.app.getHttpServer();
  const org = randomUUID();
  const ids: Record<string, string> = {};
  const photo = randomUUID();

  const base: Omit<ListingSnapshot, 'listingId'> = {
    status: 'published',
    transaction: 'rent',
    propertyType: 'apartment',
    title: 'Flat',
    description: '',
    priceAmount: 2000000,
    currency: 'CZK',
    areaM2: 50,
    rooms: 2,
    floor: 1,
    energyClass: 'C',
    features: [],
    addressLine: 'Street 1',
    city: 'Praha',
    region: 'Hlavní město Praha',
    postalCode: '110 00',
    country: 'CZ',
    latitude: 50.0755,
    longitude: 14.4378,
    photoDocumentIds: [],
    contactUserId: null,
    publishedAt: '2026-11-01T10:00:00.000Z',
  };
  const feed = (key: string, version: number, changes: Partial<ListingSnapshot>) => {
    ids[key] ??= randomUUID();
    return server.app
      .get(PortalListingsRepository)
      .apply(org, version, { ...base, ...changes, listingId: ids[key] });
  };
  const search = async (query: string) => {
    const res = await request(http()).get(`/api/v1/listings?${query}`).expect(200);
    return res.body as {
      items: { id: string; distanceKm?: number }[];
      total: number;
      totalExact: boolean;
      nextCursor: string | null;
    };
  };
  const found = async (query: string) => (await search(query)).items.map((i) => i.id);

  beforeAll(async () => {
    server = await bootRealityServer({ API_PUBLIC_URL: 'http://photos.test/' });
    // Prague centre (Vinohrady, Žižkov), Prague outskirts (Černý Most ~10 km), Brno (~185 km).
    await feed('vinohrady', 1, {
      photoDocumentIds: [photo],
      title: 'Slunný byt 2+kk s balkónem',
      description: 'Zrekonstruovaný byt u Náměstí Míru.',
      features: ['balcony', 'elevator'],
      priceAmount: 2450000,
      areaM2: 54.5,
      rooms: 2,
      latitude: 50.0755,
      longitude: 14.4378,
      publishedAt: '2026-11-10T10:00:00.000Z',
    });
    await feed('zizkov', 1, {
      title: 'Podkrovní byt 3+1',
      description: 'Klidná ulice, výhled na Vítkov.',
      priceAmount: 2900000,
      areaM2: 78,
      rooms: 3,
      latitude: 50.0833,
      longitude: 14.45,
      publishedAt: '2026-11-12T10:00:00.000Z',
    });
    await feed('cerny-most', 1, {
      title: 'Byt 1+kk u metra',
      priceAmount: 1500000,
      areaM2: 30,
      rooms: 1,
      latitude: 50.109,
      longitude: 14.577,
      publishedAt: '2026-11-05T10:00:00.000Z',
    });
    await feed('brno-house', 1, {
      transaction: 'sale',
      propertyType: 'house',
      title: 'Rodinný dům se zahradou',
      description: 'Dům s garáží a velkou zahradou.',
      priceAmount: 950000000,
      areaM2: 160,
      rooms: 5,
      city: 'Brno',
      region: 'Jihomoravský kraj',
      latitude: 49.1951,
      longitude: 16.6068,
      publishedAt: '2026-11-08T10:00:00.000Z',
    });
    await feed('brno-flat', 1, {
      title: 'Byt 2+1 v centru Brna',
      priceAmount: 1800000,
      areaM2: 60,
      rooms: 2,
      city: 'Brno',
      region: 'Jihomoravský kraj',
      latitude: 49.195,
      longitude: 16.608,
      publishedAt: '2026-11-09T10:00:00.000Z',
    });
    await feed('withdrawn', 1, { title: 'Staženo z nabídky balkón', status: 'withdrawn' });
  });
  afterAll(() => server.close());

  it('shows only listings on the market, newest first by default, with the page envelope', async () => {
    const page = await request(http()).get('/api/v1/listings?limit=2&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([ids['vinohrady'], ids['brno-flat']]);
    expect(page.body.items[0]).not.toHaveProperty('organizationId');
    expect(page.body.items[0]).not.toHaveProperty('searchVector');
    await request(http()).get(`/api/v1/listings/${ids['withdrawn']}`).expect(404);
    const one = await request(http()).get(`/api/v1/listings/${ids['vinohrady']}`).expect(200);
    expect(one.body).toMatchObject({
      title: 'Slunný byt 2+kk s balkónem',
      priceAmount: 2450000,
      areaM2: 54.5,
    });
    expect(one.body.photoUrls).toEqual([`http://photos.test/api/v1/public/listing-photos/${photo}`]);
  });

  it('filters by transaction, type, price, area, rooms, city and region', async () => {
    expect(await found('transaction=sale')).toEqual([ids['brno-house']]);
    expect(await found('propertyType=apartment&city=brno')).toEqual([ids['brno-flat']]);
    expect(await found('transaction=rent&priceMin=1800000&priceMax=2500000&sort=price')).toEqual([
      ids['brno-flat'],
      ids['vinohrady'],
    ]);
    expect(await found('areaMin=50&areaMax=80&roomsMin=3')).toEqual([ids['zizkov']]);
    expect(await found('region=Jihomoravsky%20kraj&sort=-price')).toEqual([
      ids['brno-house'],
      ids['brno-flat'],
    ]);
    expect(await found('sort=price&limit=3')).toEqual([
      ids['cerny-most'],
      ids['brno-flat'],
      ids['vinohrady'],
    ]);
  });

  it('finds listings within a radius (nearest first, with the distance) or inside a box', async () => {
    const near = await search('lat=50.0755&lng=14.4378&radiusKm=3');
    expect(near.items.map((i) => i.id)).toEqual([ids['vinohrady'], ids['zizkov']]);
    expect(near.items[0].distanceKm).toBe(0);
    expect(near.items[1].distanceKm).toBeGreaterThan(1);
    expect(near.items[1].distanceKm).toBeLessThan(2);
    expect(await found('lat=50.0755&lng=14.4378&radiusKm=15')).toEqual([
      ids['vinohrady'],
      ids['zizkov'],
      ids['cerny-most'],
    ]);
    expect((await found('bbox=16.5,49.1,16.7,49.3&sort=price')).sort()).toEqual(
      [ids['brno-flat'], ids['brno-house']].sort(),
    );
    const partial = await request(http()).get('/api/v1/listings?lat=50&lng=14').expect(400);
    expect(partial.body.error.code).toBe('INCOMPLETE_RADIUS');
  });

  it('searches words by prefix without caring about accents or case', async () => {
    expect(await found('q=balkon')).toEqual([ids['vinohrady']]);
    expect(await found('q=zahrad')).toEqual([ids['brno-house']]);
    expect(await found('q=ZAHRADOU')).toEqual([ids['brno-house']]);
    expect(await found('q=zahrady%20metro')).toEqual([]);
    expect(await found('q=byt')).toEqual(
      expect.arrayContaining([ids['vinohrady'], ids['zizkov'], ids['brno-flat']]),
    );
    expect(await found('q=garáží dům')).toEqual([ids['brno-house']]);
    expect(await found('q=brna&transaction=rent')).toEqual([ids['brno-flat']]);
  });

  it('rejects invalid filters with field details', async () => {
    const res = await request(http())
      .get('/api/v1/listings?transaction=lease&priceMin=-5&lat=95&bbox=1,2,3&sort=cheapest&limit=500&extra=1')
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'bbox',
      'extra',
      'lat',
      'limit',
      'priceMin',
      'sort',
      'transaction',
    ]);
    // Numbers past what PostgreSQL (or a double) holds exactly are refused, not sent to the database.
    const huge = await request(http()).get('/api/v1/listings?priceMax=1e20&offset=1e21').expect(400);
    expect(huge.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'offset',
      'priceMax',
    ]);
  });

  it('suggests similar listings of the same kind, closest in price, size and place first', async () => {
    const res = await request(http()).get(`/api/v1/listings/${ids['vinohrady']}/similar`).expect(200);
    expect(res.body.map((l: { id: string }) => l.id)).toEqual([
      ids['zizkov'],
      ids['cerny-most'],
      ids['brno-flat'],
    ]);
  });

  it('pages by keyset cursor in the same order as by offset, and refuses cursors it did not issue', async () => {
    for (const sort of ['price', '-price', 'date', '-date']) {
      const byOffset = [0, 2, 4].map((offset) => found(`sort=${sort}&limit=2&offset=${offset}`));
      const expected = (await Promise.all(byOffset)).flat();
      const seen: string[] = [];
      let page = await search(`sort=${sort}&limit=2`);
      seen.push(...page.items.map((i) => i.id));
      while (page.nextCursor) {
        page = await search(`sort=${sort}&limit=2&after=${page.nextCursor}`);
        expect(page.total).toBe(5); // the whole search, not what is left of it
        seen.push(...page.items.map((i) => i.id));
      }
      expect(seen).toEqual(expected);
    }
    const first = await search('sort=price&limit=2');
    expect(first.totalExact).toBe(true);
    const refused = async (query: string, code: string) => {
      const res = await request(http()).get(`/api/v1/listings?${query}`).expect(400);
      expect(res.body.error.code).toBe(code);
    };
    await refused(`sort=-price&limit=2&after=${first.nextCursor}`, 'INVALID_CURSOR');
    await refused(`sort=price&limit=2&offset=2&after=${first.nextCursor}`, 'CURSOR_WITH_OFFSET');
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await refused(`sort=price&after=${forged(['price', "1) OR (1=1", ids['zizkov']])}`, 'INVALID_CURSOR');
    await refused(`sort=price&after=${forged(['price', 1e300, ids['zizkov']])}`, 'INVALID_CURSOR');
    await refused(`sort=date&after=${forged(['date', 'yesterday', ids['zizkov']])}`, 'INVALID_CURSOR');
    await refused(`sort=price&after=${forged(['price', 5, 'not-a-uuid'])}`, 'INVALID_CURSOR');
    await refused(`after=${forged(['relevance', 1, ids['zizkov']])}`, 'INVALID_CURSOR');
    await refused('sort=price&after=not%20base64!', 'VALIDATION_FAILED');
    await refused('sort=price&after=bm90IGpzb24', 'INVALID_CURSOR');
    // Relevance and distance have no cursor: their order is not an index order.
    expect((await search('q=byt&limit=1')).nextCursor).toBeNull();
  });

  it('lets browsers and CDNs cache anonymous answers, revalidate them by ETag, and never cache errors or signed-in requests', async () => {
    const res = await request(http()).get('/api/v1/listings?city=praha').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=30, stale-while-revalidate=30');
    expect(res.headers['etag']).toBeDefined();
    const again = await request(http())
      .get('/api/v1/listings?city=praha')
      .set('If-None-Match', res.headers['etag'] as string)
      .expect(304);
    expect(again.text).toBe('');
    const one = await request(http()).get(`/api/v1/listings/${ids['vinohrady']}`).expect(200);
    expect(one.headers['cache-control']).toMatch(/^public, max-age=30/);
    const missing = await request(http()).get(`/api/v1/listings/${ids['withdrawn']}`).expect(404);
    expect(missing.headers['cache-control'] ?? '').not.toMatch(/public/);
    const invalid = await request(http()).get('/api/v1/listings?sort=cheapest').expect(400);
    expect(invalid.headers['cache-control'] ?? '').not.toMatch(/public/);
    const signedIn = await request(http()).get('/api/v1/listings').set('Authorization', 'Bearer x').expect(200);
    expect(signedIn.headers['cache-control'] ?? '').not.toMatch(/public/);
  });

  it('applies listing versions in order: stale and repeated versions change nothing', async () => {
    expect(
      await feed('zizkov', 3, { title: 'Podkrovní byt 3+1', priceAmount: 2700000, areaM2: 78, rooms: 3 }),
    ).toBe(true);
    expect(await feed('zizkov', 2, { title: 'Old title', priceAmount: 1 })).toBe(false);
    expect(await feed('zizkov', 3, { title: 'Same version again', priceAmount: 1 })).toBe(false);
    const res = await request(http()).get(`/api/v1/listings/${ids['zizkov']}`).expect(200);
    expect(res.body).toMatchObject({ title: 'Podkrovní byt 3+1', priceAmount: 2700000 });

    expect(await feed('zizkov', 4, { status: 'withdrawn' })).toBe(true);
    await request(http()).get(`/api/v1/listings/${ids['zizkov']}`).expect(404);
    expect(await found('lat=50.0755&lng=14.4378&radiusKm=3')).toEqual([ids['vinohrady']]);
    expect(await feed('zizkov', 5, { status: 'reserved', latitude: 50.0833, longitude: 14.45 })).toBe(true);
    expect(await found('lat=50.0755&lng=14.4378&radiusKm=3')).toEqual([ids['vinohrady'], ids['zizkov']]);
  });
});

/** Past EXACT_TOTAL_LIMIT matches the total is the planner's estimate, and says so. */
describe('public listing search: totals of broad searches', () => {
  let server: BootedRealityServer;
  const org = randomUUID();

  beforeAll(async () => {
    server = await bootRealityServer();
    const repository = server.app.get(PortalListingsRepository);
    const listing = (i: number): ListingSnapshot => ({
      listingId: randomUUID(),
      status: 'published',
      transaction: i % 2 === 0 ? 'sale' : 'rent',
      propertyType: 'apartment',
      title: `Byt ${i}`,
      description: '',
      priceAmount: 1000000 + i,
      currency: 'CZK',
      areaM2: 50,
      rooms: 2,
      floor: 1,
      energyClass: 'C',
      features: [],
      addressLine: `Street ${i}`,
      city: i < 10 ? 'Plzeň' : 'Praha',
      region: null,
      postalCode: '110 00',
      country: 'CZ',
      latitude: 50 + i / 10000,
      longitude: 14.4,
      photoDocumentIds: [],
      contactUserId: null,
      publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString(),
    });
    for (let start = 0; start < 1210; start += 110) {
      await Promise.all(
        Array.from({ length: 110 }, (_, k) => repository.apply(org, 1, listing(start + k))),
      );
    }
  });
  afterAll(() => server.close());

  it('counts up to 1000 matches exactly and estimates beyond', async () => {
    const broad = await request(server.app.getHttpServer()).get('/api/v1/listings?limit=5').expect(200);
    expect(broad.body.totalExact).toBe(false);
    expect(broad.body.total).toBeGreaterThan(1000);
    const narrow = await request(server.app.getHttpServer()).get('/api/v1/listings?city=plzen&limit=5').expect(200);
    expect(narrow.body).toMatchObject({ total: 10, totalExact: true });
    const half = await request(server.app.getHttpServer())
      .get('/api/v1/listings?transaction=rent&city=plzen&limit=2&offset=2')
      .expect(200);
    expect(half.body).toMatchObject({ total: 5, totalExact: true });
  });
});
