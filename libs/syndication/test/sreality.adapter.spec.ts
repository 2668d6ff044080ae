import { GuardedHttp } from '@ppt/outbound';
import { closedPort, startFakeSrealityPortal, type FakeSrealityPortal } from '@ppt/testing';
import {
  PortalError,
  SrealityAdapter,
  type PortalTarget,
  type SrealityCredentials,
  type SrealityOptions,
} from '../src';
import { aListing, aPhoto } from './listing-fixture';

const account = { clientId: 1234, password: 'import password', softwareKey: 'sw-key-42' };

describe('Sreality XML-RPC adapter (against a local XML-RPC import server)', () => {
  let portal: FakeSrealityPortal;
  let target: PortalTarget<SrealityCredentials, SrealityOptions>;
  // The fake portal listens on loopback: allow-listed explicitly, as in every local setup.
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const adapter = new SrealityAdapter(http);
  afterAll(() => http.close());

  beforeEach(async () => {
    portal = await startFakeSrealityPortal([account]);
    target = {
      organizationId: 'org-1',
      credentials: account,
      options: {
        endpoint: portal.url,
        advertUrlTemplate: 'https://portal.example/detail/{id}',
        timeoutMs: 5000,
      },
    };
  });
  afterEach(() => portal.close());

  it('publishes an advert with the codebook values, its photos in order and its seller', async () => {
    const listing = aListing();
    const published = await adapter.publish(listing, target);

    expect(portal.adverts.size).toBe(1);
    const advert = portal.adverts.get(listing.id)!;
    expect(published).toEqual({
      externalId: String(advert.advertId),
      url: `https://portal.example/detail/${advert.advertId}`,
    });
    expect(advert.data).toMatchObject({
      advert_rkid: listing.id,
      advert_function: 1,
      advert_type: 1,
      advert_subtype: 7, // 3+1
      advert_price: 8_990_000,
      advert_price_currency: 1,
      advert_price_unit: 1,
      advert_lifetime: 4, // the codebook's 90 days, not the number 90
      usable_area: 78.5,
      building_type: 2,
      building_condition: 1,
      ownership: 1,
      locality_inaccuracy_level: 1,
      locality_city: 'Praha',
      locality_zip: '12000',
      energy_efficiency_rating: 3,
      seller_rkid: listing.contact!.id,
    });
    expect(advert.photos.map((p) => [p.rkid, p.bytes, p.main])).toEqual([
      [listing.photos[0].id, 3000, true],
      [listing.photos[1].id, 4000, false],
    ]);
    expect(portal.sellers.get(`${account.clientId}:${listing.contact!.id}`)?.data).toMatchObject({
      client_name: 'Jana Nováková',
    });
    // The rotating session ids were right on every call (the server refuses a wrong one), and it logged out.
    expect(portal.calls[0]).toBe('getHash');
    expect(portal.calls[1]).toBe('login');
    expect(portal.calls.at(-1)).toBe('logout');
  });

  it('is idempotent: publishing again updates the same advert and uploads only new photos', async () => {
    const listing = aListing();
    const first = await adapter.publish(listing, target);
    const third = aPhoto(5000);
    const changed = { ...listing, version: 2, priceAmount: 8_500_000_00, photos: [...listing.photos, third] };
    portal.calls.length = 0;
    const second = await adapter.publish(changed, target);

    expect(second.externalId).toBe(first.externalId);
    expect(portal.adverts.size).toBe(1);
    const advert = portal.adverts.get(listing.id)!;
    expect(advert.data.advert_price).toBe(8_500_000);
    expect(advert.photos.map((p) => p.rkid)).toEqual([...listing.photos.map((p) => p.id), third.id]);
    expect(portal.calls.filter((c) => c === 'addPhoto')).toHaveLength(1);

    // A new order (another main photo) replaces the set, in our order.
    const reordered = { ...changed, version: 3, photos: [third, ...listing.photos] };
    await adapter.publish(reordered, target);
    expect(advert.photos.map((p) => [p.rkid, p.main])).toEqual([
      [third.id, true],
      [listing.photos[0].id, false],
      [listing.photos[1].id, false],
    ]);
  });

  it('survives the same job running twice at once (a stalled job picked up again): one advert', async () => {
    const listing = aListing();
    await Promise.all([adapter.publish(listing, target), adapter.publish(listing, target)]);
    expect(portal.adverts.size).toBe(1);
  });

  it('removes an advert; removing one the portal no longer has succeeds', async () => {
    const listing = aListing();
    const { externalId } = await adapter.publish(listing, target);
    await adapter.remove({ listingId: listing.id, organizationId: 'org-1', externalId, version: 2 }, target);
    expect(portal.adverts.size).toBe(0);
    await expect(
      adapter.remove({ listingId: listing.id, organizationId: 'org-1', externalId, version: 2 }, target),
    ).resolves.toBeUndefined();
  });

  it("lists the portal's adverts with our ids and prices in minor units", async () => {
    const listing = aListing({ currency: 'EUR', priceAmount: 350_000_00 });
    const { externalId } = await adapter.publish(listing, target);
    portal.seed(account.clientId, 'not-ours', { advert_price: 10, advert_price_currency: 1 });
    const listed = await adapter.list(target);
    expect(listed).toEqual(
      expect.arrayContaining([
        { externalId, listingId: listing.id, priceAmount: 350_000_00 },
        expect.objectContaining({ listingId: 'not-ours', priceAmount: 1000 }),
      ]),
    );
  });

  it('a wrong password is an invalid login (407): not retried, credentials flagged, nothing created', async () => {
    const wrong = { ...target, credentials: { ...account, password: 'wrong' } };
    const err = await adapter.publish(aListing(), wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortalError);
    expect(err).toMatchObject({ code: 'INVALID_LOGIN', retryable: false, portalStatus: 407 });
    expect(portal.adverts.size).toBe(0);
    const unknownClient = { ...target, credentials: { ...account, clientId: 999 } };
    await expect(adapter.publish(aListing(), unknownClient)).rejects.toMatchObject({
      code: 'INVALID_LOGIN',
      portalStatus: 402,
    });
  });

  it("names the field a 452/453 complains about, keeps the portal's status line, and does not retry", async () => {
    // A house without its land area: pre-flight says so, and so does the portal (453) if sent anyway.
    const house = aListing({
      propertyType: 'house',
      overrides: { sreality: { buildingType: 'brick', buildingCondition: 'good' } },
    });
    expect(adapter.preflight(house).map((i) => i.field)).toEqual(['overrides.sreality.estateAreaM2']);
    const err = await adapter.publish(house, target).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INCOMPLETE_DATA',
      retryable: false,
      portalStatus: 453,
      field: 'overrides.sreality.estateAreaM2',
      message: 'Sreality addAdvert: status 453 (overrides.sreality.estateAreaM2)',
    });
    expect((err as PortalError).statusLine).toMatch(/^Nejsou vyplněny všechny povinné položky druhu/);
    const withLand = {
      ...house,
      overrides: { sreality: { ...house.overrides!.sreality, estateAreaM2: 450 } },
    };
    await adapter.publish(withLand, target);
    expect(portal.adverts.get(house.id)?.data).toMatchObject({ estate_area: 450, advert_type: 2 });
  });

  it('a status line is one short line, whatever the portal sent', async () => {
    portal.failNext(1, 452, `Nejsou vyplněny\n\t\r ${'x'.repeat(500)} (usable_area)`, 'addAdvert');
    const err = (await adapter.publish(aListing(), target).catch((e: unknown) => e)) as PortalError;
    expect(err.field).toBe('areaM2');
    expect(err.statusLine!.length).toBeLessThanOrEqual(160);
    expect(err.statusLine).not.toMatch(/[\n\t\r]/);
  });

  it('an unknown seller is 461 (UNKNOWN_SELLER), final', async () => {
    portal.failNext(1, 461, 'ID makléře neexistuje', 'addAdvert');
    await expect(adapter.publish(aListing(), target)).rejects.toMatchObject({
      code: 'UNKNOWN_SELLER',
      retryable: false,
      portalStatus: 461,
    });
  });

  it('the daily operation limit (481) is retried, not before midnight in Prague', async () => {
    portal.setDailyLimit(2); // login does not count; addSeller and addAdvert do
    const err = (await adapter.publish(aListing(), target).catch((e: unknown) => e)) as PortalError;
    expect(err).toMatchObject({ code: 'DAILY_LIMIT', retryable: true, portalStatus: 481 });
    const retryAt = err.retryAt!;
    expect(retryAt.getTime()).toBeGreaterThan(Date.now());
    expect(retryAt.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Prague',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(retryAt),
    ).toBe('00:00');
  });

  it('a portal that is down is retryable, and the retry leaves one advert', async () => {
    const listing = aListing();
    portal.failNext(1, 500, 'Internal error', 'addAdvert');
    await expect(adapter.publish(listing, target)).rejects.toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
    });
    portal.httpFailNext(1, 503);
    await expect(adapter.publish(listing, target)).rejects.toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
      portalStatus: 503,
    });
    await adapter.publish(listing, target);
    expect(portal.adverts.size).toBe(1);
  });

  it('an unreachable portal is retryable', async () => {
    const down = {
      ...target,
      options: { ...target.options, endpoint: `http://127.0.0.1:${await closedPort()}/RPC2` },
    };
    await expect(adapter.publish(aListing(), down)).rejects.toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
    });
  });

  it('pre-flight names each rule a listing breaks, and none for a good one', () => {
    expect(adapter.preflight(aListing())).toEqual([]);
    const bad = aListing({
      photos: [],
      description: 'Too short',
      currency: 'GBP',
      areaM2: null,
      rooms: null,
      overrides: {},
      address: { line: '', city: 'Berlin', region: null, postalCode: '10115', country: 'DE' },
      contact: null,
    });
    expect(adapter.preflight(bad).map((i) => `${i.field}:${i.rule}`)).toEqual([
      'photos:min_photos',
      'description:description_length',
      'currency:currency',
      'rooms:required',
      'address.line:required',
      'address.country:country',
      'contact:required',
      'areaM2:required',
      'overrides.sreality.buildingType:required',
      'overrides.sreality.buildingCondition:required',
      'overrides.sreality.ownership:required',
    ]);
  });

  it('applies to Czech and Slovak listings in CZK, EUR or USD only (the default portal selection)', () => {
    expect(adapter.appliesTo(aListing())).toBe(true);
    expect(
      adapter.appliesTo(aListing({ address: { ...aListing().address, country: 'SK' }, currency: 'EUR' })),
    ).toBe(true);
    expect(
      adapter.appliesTo(aListing({ address: { ...aListing().address, country: 'DE' }, currency: 'EUR' })),
    ).toBe(false);
    expect(adapter.appliesTo(aListing({ currency: 'CHF' }))).toBe(false);
  });
});
