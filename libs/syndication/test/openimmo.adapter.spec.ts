import { GuardedHttp } from '@ppt/outbound';
import {
  sampleJpeg,
  samplePng,
  startFakeOpenImmoPortal,
  zipArchive,
  type FakeOpenImmoObject,
  type FakeOpenImmoPortal,
} from '@ppt/testing';
import { XMLParser } from 'fast-xml-parser';
import {
  buildOpenImmoXml,
  OpenImmoAdapter,
  openImmoObid,
  type OpenImmoTarget,
} from '../src/openimmo/openimmo.adapter';
import { PortalError } from '../src/portal-adapter';
import type { SyndicationListing, SyndicationPhoto } from '../src/syndication-listing';

const CREDENTIALS = { username: 'makler-4711', password: 'geheim&"<pass>' };

function photo(id: string, data: Buffer, contentType = 'image/jpeg'): SyndicationPhoto {
  return {
    id,
    contentType,
    sizeBytes: data.length,
    read: async () => data,
    url: `https://files.example/${id}`,
  };
}

const mainPhoto = sampleJpeg(4096);
const secondPhoto = samplePng();

function listing(overrides: Partial<SyndicationListing> = {}): SyndicationListing {
  return {
    id: '6f1c1a2e-8d0b-4c55-9a53-0c7b8f3d2e11',
    organizationId: 'org-1',
    version: 1,
    status: 'published',
    publishedAt: '2026-11-20T10:00:00.000Z',
    transaction: 'sale',
    propertyType: 'apartment',
    title: 'Helle 3-Zimmer-Wohnung mit Balkon',
    description: 'Ruhige Lage, frisch renoviert, Einbauküche, Keller und Aufzug. Nahe U-Bahn und Park.',
    priceAmount: 45_000_050, // 450 000.50 EUR
    currency: 'EUR',
    areaM2: 82.5,
    rooms: 3,
    floor: 2,
    energyClass: 'B',
    features: ['Balkon', 'Aufzug'],
    address: {
      line: 'Hauptstraße 5a',
      city: 'München',
      region: 'Bayern',
      postalCode: '80331',
      country: 'DE',
    },
    latitude: 48.1372,
    longitude: 11.5756,
    photos: [photo('doc-main', mainPhoto), photo('doc-2', secondPhoto, 'image/png')],
    contact: {
      id: 'user-1',
      name: 'Erika Mustermann',
      email: 'erika@makler.example',
      phone: '+49 89 123456',
    },
    ...overrides,
  };
}

describe('OpenImmoAdapter against a local OpenImmo portal', () => {
  // The fake portal listens on loopback: allow-listed explicitly, as in every local setup.
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const adapter = new OpenImmoAdapter(http);
  afterAll(() => http.close());
  let portal: FakeOpenImmoPortal;
  let target: OpenImmoTarget;

  beforeAll(async () => {
    portal = await startFakeOpenImmoPortal(CREDENTIALS);
  });
  afterAll(() => portal.close());
  beforeEach(() => {
    portal.objects.clear();
    portal.transfers.length = 0;
    portal.failNext(0, 200);
    portal.alwaysFail(null);
    target = {
      organizationId: 'org-1',
      credentials: CREDENTIALS,
      options: {
        endpoint: portal.url,
        providerId: 'P-100',
        providerName: 'Muster Immobilien GmbH',
        technicalEmail: 'tech@ppt.example',
      },
    };
  });

  it('publishes one object with mapped fields and its photos packaged in the ZIP', async () => {
    const advert = await adapter.publish(listing(), target);

    expect(advert.externalId).toBe(openImmoObid(listing().id));
    expect(advert.url).toBe(portal.url.replace('/openimmo/upload', `/expose/${advert.externalId}`));
    expect(portal.objects.size).toBe(1);
    const object = portal.objects.get(advert.externalId) as FakeOpenImmoObject;
    expect(object).toMatchObject({
      providerId: 'P-100',
      objektnrExtern: listing().id,
      objektart: 'wohnung',
      nutzungsart: { WOHNEN: true, GEWERBE: false },
      vermarktungsart: { KAUF: true, MIETE_PACHT: false },
      title: listing().title,
      price: 450000.5,
      priceField: 'kaufpreis',
      currency: 'EUR',
      isoLand: 'DEU',
      postalCode: '80331',
      city: 'München',
      street: 'Hauptstraße',
      houseNumber: '5a',
      latitude: 48.1372,
      longitude: 11.5756,
      floor: 2,
      areas: { wohnflaeche: 82.5, anzahl_zimmer: 3 },
      energyClass: 'B',
      contact: { name: 'Erika Mustermann', email: 'erika@makler.example', phone: '+49 89 123456' },
    });
    expect(object.photos.map((p) => [p.gruppe, p.format, p.sizeBytes])).toEqual([
      ['TITELBILD', 'JPG', mainPhoto.length],
      ['BILD', 'PNG', secondPhoto.length],
    ]);
    const [transfer] = portal.transfers;
    expect(transfer).toMatchObject({ umfang: 'TEIL', modus: 'CHANGE', providerId: 'P-100', status: 200 });
    expect(transfer.files.map((f) => f.name)).toEqual(['openimmo.xml', ...object.photos.map((p) => p.path)]);
    expect(transfer.xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(transfer.xml).toContain('version="1.2.7"');
  });

  it('maps rentals, commercial and other property types', async () => {
    await adapter.publish(
      listing({
        id: 'rent-1',
        transaction: 'rent',
        propertyType: 'commercial',
        priceAmount: 180_000,
        currency: 'CHF',
      }),
      target,
    );
    await adapter.publish(listing({ id: 'land-1', propertyType: 'land', rooms: null, floor: null }), target);
    expect(portal.objects.get('rent-1')).toMatchObject({
      objektart: 'buero_praxen',
      nutzungsart: { WOHNEN: false, GEWERBE: true },
      vermarktungsart: { KAUF: false, MIETE_PACHT: true },
      priceField: 'kaltmiete',
      price: 1800,
      currency: 'CHF',
      areas: { nutzflaeche: 82.5, anzahl_zimmer: 3 },
    });
    expect(portal.objects.get('land-1')).toMatchObject({
      objektart: 'grundstueck',
      areas: { grundstuecksflaeche: 82.5 },
      floor: null,
    });
  });

  it('publishing again updates the same object with CHANGE', async () => {
    const first = await adapter.publish(listing(), target);
    const second = await adapter.publish(listing({ version: 2, priceAmount: 39_900_000 }), target);

    expect(second.externalId).toBe(first.externalId);
    expect(portal.objects.size).toBe(1);
    expect(portal.objects.get(first.externalId)).toMatchObject({
      price: 399000,
      writes: 2,
      lastAction: 'CHANGE',
    });
    expect(portal.transfers.map((t) => t.objects)).toEqual([
      [{ obid: first.externalId, aktion: 'CHANGE' }],
      [{ obid: first.externalId, aktion: 'CHANGE' }],
    ]);
  });

  it('removes the object, and removing it again still succeeds', async () => {
    const advert = await adapter.publish(listing(), target);
    const ref = {
      listingId: listing().id,
      organizationId: 'org-1',
      externalId: advert.externalId,
      version: 2,
    };

    await adapter.remove(ref, target);
    expect(portal.objects.size).toBe(0);
    await expect(adapter.remove(ref, target)).resolves.toBeUndefined();
    await expect(adapter.remove({ ...ref, externalId: null }, target)).resolves.toBeUndefined();
    expect(portal.transfers.slice(1).map((t) => [t.modus, t.objects, t.status])).toEqual([
      ['DELETE', [{ obid: advert.externalId, aktion: 'DELETE' }], 200],
      ['DELETE', [{ obid: advert.externalId, aktion: 'DELETE' }], 404],
      ['DELETE', [{ obid: advert.externalId, aktion: 'DELETE' }], 404],
    ]);
  });

  it('a full transfer replaces the whole set of the provider', async () => {
    await adapter.publish(listing({ id: 'old-1' }), target);
    await adapter.publish(listing({ id: 'kept-1' }), target);
    const otherProvider = { ...target, options: { ...target.options, providerId: 'P-200' } };
    await adapter.publish(listing({ id: 'foreign-1' }), otherProvider);

    const adverts = await adapter.fullTransfer(
      [listing({ id: 'kept-1', priceAmount: 1_000_000 }), listing({ id: 'new-1' })],
      target,
    );

    expect(adverts.map((a) => a.externalId)).toEqual(['kept-1', 'new-1']);
    expect(adverts.every((a) => a.url?.endsWith(`/expose/${a.externalId}`))).toBe(true);
    expect([...portal.objects.keys()].sort()).toEqual(['foreign-1', 'kept-1', 'new-1']);
    expect(portal.objects.get('kept-1')?.price).toBe(10000);
    const voll = portal.transfers[portal.transfers.length - 1];
    expect(voll).toMatchObject({ umfang: 'VOLL', status: 200 });
    expect(voll.objects).toEqual([
      { obid: 'kept-1', aktion: 'NEW' },
      { obid: 'new-1', aktion: 'NEW' },
    ]);
    expect(voll.files).toHaveLength(1 + 4);

    await adapter.fullTransfer([], target);
    expect([...portal.objects.keys()]).toEqual(['foreign-1']);
  });

  it('refuses bad credentials as INVALID_LOGIN, not retryable', async () => {
    const wrong = { ...target, credentials: { ...CREDENTIALS, password: 'falsch' } };
    const err = await adapter.publish(listing(), wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortalError);
    expect(err).toMatchObject({ code: 'INVALID_LOGIN', retryable: false, portalStatus: 401 });
    expect((err as PortalError).portalMessage).toBe('Benutzername oder Passwort falsch');
    expect(portal.objects.size).toBe(0);
  });

  it('a 503 is a retryable PortalError, and the retry goes through', async () => {
    portal.failNext(1, 503, 'Wartungsarbeiten');
    const err = await adapter.publish(listing(), target).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
      portalStatus: 503,
      portalMessage: 'Wartungsarbeiten',
    });
    await adapter.publish(listing(), target);
    expect(portal.objects.size).toBe(1);
  });

  it('maps 429 to RATE_LIMITED and 422 to INCOMPLETE_DATA', async () => {
    portal.failNext(1, 429, 'Zu viele Anfragen');
    await expect(adapter.publish(listing(), target)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
    });
    portal.failNext(1, 422, 'Pflichtfeld fehlt');
    await expect(adapter.publish(listing(), target)).rejects.toMatchObject({
      code: 'INCOMPLETE_DATA',
      retryable: false,
      portalMessage: 'Pflichtfeld fehlt',
    });
  });

  it("surfaces the portal's 400 message in portalMessage", async () => {
    portal.failNext(1, 400, 'immobilie[1]: preise needs kaufpreis or kaltmiete');
    const err = await adapter.publish(listing(), target).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INVALID_DATA',
      retryable: false,
      portalStatus: 400,
      portalMessage: 'immobilie[1]: preise needs kaufpreis or kaltmiete',
    });
  });

  it('refuses to send a listing it cannot map', async () => {
    await expect(
      adapter.publish(listing({ propertyType: 'castle' as SyndicationListing['propertyType'] }), target),
    ).rejects.toMatchObject({ code: 'INVALID_DATA', retryable: false });
    await expect(adapter.publish(listing({ contact: null }), target)).rejects.toMatchObject({
      code: 'INCOMPLETE_DATA',
      retryable: false,
    });
    expect(portal.transfers).toHaveLength(0);
  });

  it('the portal checks transfers itself: missing ZIP files and required elements answer 400', async () => {
    const attachments = [{ path: 'a.jpg', format: 'JPG', photo: { read: async () => mainPhoto } }];
    const xml = buildOpenImmoXml(
      { umfang: 'TEIL', modus: 'CHANGE', objects: [{ aktion: 'CHANGE', listing: listing(), attachments }] },
      target.options,
    );
    const upload = async (zip: Buffer) => {
      const response = await fetch(portal.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/zip',
          authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`,
        },
        body: new Uint8Array(zip),
      });
      return { status: response.status, error: ((await response.json()) as { error?: string }).error };
    };

    expect(await upload(zipArchive({ 'openimmo.xml': xml }))).toEqual({
      status: 400,
      error: expect.stringMatching(/"a\.jpg" is not in the ZIP/),
    });
    const withoutObjektart = xml.replace(/<objektart>[\s\S]*?<\/objektart>/, '');
    expect(await upload(zipArchive({ 'openimmo.xml': withoutObjektart, 'a.jpg': mainPhoto }))).toEqual({
      status: 400,
      error: expect.stringMatching(/objektart is missing/),
    });
    const withoutPreise = xml.replace(/<preise>[\s\S]*?<\/preise>/, '');
    expect(await upload(zipArchive({ 'openimmo.xml': withoutPreise, 'a.jpg': mainPhoto }))).toEqual({
      status: 400,
      error: expect.stringMatching(/preise is missing/),
    });
    expect(await upload(zipArchive({ 'openimmo.xml': '<openimmo><uebertragung>' }))).toMatchObject({
      status: 400,
    });
    expect(await upload(Buffer.from('not a zip'))).toMatchObject({ status: 400 });
    expect(await upload(zipArchive({ 'openimmo.xml': xml, 'a.jpg': mainPhoto }))).toEqual({
      status: 200,
      error: undefined,
    });
    expect(portal.objects.size).toBe(1);
  });

  it('network failures and timeouts are retryable', async () => {
    const slow = await startFakeOpenImmoPortal({ ...CREDENTIALS, latencyMs: 500 });
    try {
      const err = await adapter
        .publish(listing(), { ...target, options: { ...target.options, endpoint: slow.url, timeoutMs: 100 } })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PORTAL_UNAVAILABLE', retryable: true });
    } finally {
      await slow.close();
    }
    const closed = await startFakeOpenImmoPortal(CREDENTIALS);
    await closed.close();
    const err = await adapter
      .publish(listing(), { ...target, options: { ...target.options, endpoint: closed.url } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PORTAL_UNAVAILABLE', retryable: true });
  });

  it('escapes special characters in the XML, and they round-trip', async () => {
    const title = 'Tom & Jerry\'s <Loft> "am Park"';
    const description = 'Preis < 500k & > 400k, "sofort" frei; Ü-Ä-Ö ß — 5 m² <script>alert(1)</script>';
    const advert = await adapter.publish(listing({ title, description }), target);

    const { xml } = portal.transfers[0];
    expect(xml).toContain('Tom &amp; Jerry&apos;s &lt;Loft&gt; &quot;am Park&quot;');
    expect(xml).not.toContain('<script>');
    expect(portal.objects.get(advert.externalId)).toMatchObject({ title, description });
    const parsed = new XMLParser({ parseTagValue: false }).parse(xml) as {
      openimmo: {
        anbieter: { immobilie: { freitexte: { objekttitel: string; objektbeschreibung: string } } };
      };
    };
    expect(parsed.openimmo.anbieter.immobilie.freitexte).toMatchObject({
      objekttitel: title,
      objektbeschreibung: description,
    });
  });

  describe('preflight', () => {
    const issues = (l: SyndicationListing) => adapter.preflight(l, target).map((i) => `${i.field}:${i.rule}`);

    it('has no issues for a good listing', () => {
      expect(adapter.preflight(listing(), target)).toEqual([]);
    });

    it('reports missing photos, a short description, a wrong country and a missing area', () => {
      expect(
        issues(
          listing({
            photos: [],
            description: 'Zu kurz.',
            areaM2: null,
            address: { ...listing().address, country: 'CZ' },
          }),
        ),
      ).toEqual([
        'photos:min_photos',
        'description:description_length',
        'areaM2:required',
        'address.country:country',
      ]);
    });

    it('reports photo types and sizes, currency, contact and unmappable types', () => {
      const tooBig = { ...photo('big', mainPhoto), sizeBytes: 11 * 1024 * 1024 };
      expect(
        issues(
          listing({
            photos: [tooBig, photo('gif', Buffer.from('GIF89a'), 'image/gif')],
            currency: 'CZK',
            contact: null,
            propertyType: 'castle' as SyndicationListing['propertyType'],
          }),
        ),
      ).toEqual([
        'photos[0]:photo_size',
        'photos[1]:photo_type',
        'currency:currency',
        'contact:required',
        'propertyType:unsupported_type',
      ]);
    });
  });
});
