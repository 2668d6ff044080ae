import { GuardedHttp } from '@ppt/outbound';
import { startFakeOpenImmoPortal, type FakeOpenImmoPortal } from '@ppt/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeReport, parseOpenImmoReport } from '../src/openimmo/openimmo-feedback';
import {
  buildOpenImmoXml,
  OpenImmoAdapter,
  type OpenImmoObject,
  type OpenImmoTarget,
  type OpenImmoTransfer,
} from '../src/openimmo/openimmo.adapter';
import type { SyndicationListing } from '../src/syndication-listing';
import { aListing, aPhoto } from './listing-fixture';
import { feedbackSchemaErrors, openImmoSchemaErrors } from './openimmo-schema';

const OPTIONS = {
  providerId: 'P-100',
  providerName: 'Muster & Söhne Immobilien <GmbH>',
  technicalEmail: 'tech@ppt.example',
};

/** German listings of every type and transaction the exporter maps. */
function germanListing(overrides: Partial<SyndicationListing> = {}): SyndicationListing {
  return aListing({
    title: 'Helle 3-Zimmer-Wohnung mit Balkon',
    description: 'Ruhige Lage, frisch renoviert, Einbauküche, Keller und Aufzug. Nahe U-Bahn und Park.',
    priceAmount: 45_000_050,
    currency: 'EUR',
    address: {
      line: 'Hauptstraße 5a',
      city: 'München',
      region: 'Bayern',
      postalCode: '80331',
      country: 'DE',
    },
    ...overrides,
  });
}

const VARIANTS: SyndicationListing[] = [
  germanListing(),
  germanListing({ transaction: 'rent', priceAmount: 1_250_00, propertyType: 'house', floor: null }),
  germanListing({ propertyType: 'commercial', energyClass: null, features: [] }),
  germanListing({ propertyType: 'land', rooms: null, floor: null, latitude: null, longitude: null }),
  germanListing({ propertyType: 'parking', areaM2: null, rooms: null }),
  germanListing({
    propertyType: 'other',
    currency: 'CHF',
    address: { line: 'Bahnhofstrasse', city: 'Zürich', region: null, postalCode: '8001', country: 'CH' },
    contact: { id: 'u-2', name: 'Hans Muster', email: 'hans@makler.example', phone: null },
  }),
];

function withAttachments(listing: SyndicationListing, aktion: 'NEW' | 'CHANGE'): OpenImmoObject {
  return {
    aktion,
    listing,
    attachments: listing.photos.map((photo, i) => ({ path: `${listing.id}-${i}.jpg`, format: 'JPG', photo })),
  };
}

function xmlOf(transfer: OpenImmoTransfer): string {
  return buildOpenImmoXml(transfer, OPTIONS, new Date('2026-12-07T10:00:00Z'));
}

describe('OpenImmo XML against the official OpenImmo 1.2.7 schema', () => {
  it('TEIL transfers with NEW, CHANGE and DELETE objects are valid, for every type and transaction', async () => {
    for (const aktion of ['NEW', 'CHANGE'] as const) {
      const objects = VARIANTS.map((listing) => withAttachments(listing, aktion));
      expect(await openImmoSchemaErrors(xmlOf({ umfang: 'TEIL', modus: aktion, objects }))).toEqual([]);
    }
    const mixed: OpenImmoObject[] = [
      withAttachments(VARIANTS[0], 'NEW'),
      withAttachments(VARIANTS[1], 'CHANGE'),
      { aktion: 'DELETE', obid: VARIANTS[2].id, objektnr: VARIANTS[2].id, listing: VARIANTS[2] },
    ];
    expect(await openImmoSchemaErrors(xmlOf({ umfang: 'TEIL', modus: 'CHANGE', objects: mixed }))).toEqual(
      [],
    );
  });

  it('maps the per-listing OpenImmo overrides (commission, energy certificate) into valid XML', async () => {
    const demand = germanListing({
      overrides: {
        openimmo: {
          commission: '3,57 % inkl. MwSt.',
          energyCertificate: { type: 'demand', valueKwhPerM2Year: 98.5, validUntil: '2034-05-31' },
        },
      },
    });
    const consumption = germanListing({
      transaction: 'rent',
      priceAmount: 1_250_00,
      energyClass: null,
      overrides: {
        openimmo: { energyCertificate: { type: 'consumption', valueKwhPerM2Year: 131, validUntil: '2030-01-15' } },
      },
    });
    const xml = xmlOf({
      umfang: 'TEIL',
      modus: 'CHANGE',
      objects: [withAttachments(demand, 'CHANGE'), withAttachments(consumption, 'CHANGE')],
    });
    expect(await openImmoSchemaErrors(xml)).toEqual([]);
    const [first, second] = xml.replace(/>\s+</g, '><').split('</immobilie>');
    expect(first).toContain('<aussen_courtage>3,57 % inkl. MwSt.</aussen_courtage>');
    expect(first).toMatch(
      /<energiepass><epart>BEDARF<\/epart><gueltig_bis>2034-05-31<\/gueltig_bis><endenergiebedarf>98.5<\/endenergiebedarf><wertklasse>/,
    );
    expect(second).not.toContain('aussen_courtage');
    expect(second).toContain(
      '<energiepass><epart>VERBRAUCH</epart><gueltig_bis>2030-01-15</gueltig_bis><energieverbrauchkennwert>131</energieverbrauchkennwert></energiepass>',
    );
  });

  it('a DELETE is valid with the listing and without it (a listing we no longer have)', async () => {
    const listing = VARIANTS[0];
    for (const object of [
      { aktion: 'DELETE' as const, obid: listing.id, objektnr: listing.id, listing },
      { aktion: 'DELETE' as const, obid: listing.id, objektnr: listing.id },
      // A listing that moved out of the exporter's countries is deleted by its identifiers alone.
      { aktion: 'DELETE' as const, obid: listing.id, objektnr: listing.id, listing: aListing() },
    ]) {
      const xml = xmlOf({ umfang: 'TEIL', modus: 'DELETE', objects: [object] });
      expect(await openImmoSchemaErrors(xml)).toEqual([]);
      expect(xml).toContain('<aktion aktionart="DELETE"');
    }
  });

  it('a VOLL transfer of many listings is valid, and an empty one too (it empties the portal)', async () => {
    const objects = Array.from({ length: 60 }, (_, i) =>
      withAttachments(VARIANTS[i % VARIANTS.length], 'NEW'),
    );
    // Distinct ids: a VOLL carries each object once.
    const distinct = objects.map((o, i) =>
      o.aktion === 'DELETE' ? o : { ...o, listing: { ...o.listing, id: `${o.listing.id}-${i}` } },
    );
    expect(await openImmoSchemaErrors(xmlOf({ umfang: 'VOLL', modus: 'NEW', objects: distinct }))).toEqual(
      [],
    );
    expect(await openImmoSchemaErrors(xmlOf({ umfang: 'VOLL', modus: 'NEW', objects: [] }))).toEqual([]);
  });

  it('the validator is not a rubber stamp: a missing required element and a wrong enum are reported', async () => {
    const good = xmlOf({
      umfang: 'TEIL',
      modus: 'CHANGE',
      objects: [withAttachments(VARIANTS[0], 'CHANGE')],
    });
    expect(await openImmoSchemaErrors(good)).toEqual([]);
    const noObid = good.replace(/<openimmo_obid>[^<]*<\/openimmo_obid>/, '');
    expect((await openImmoSchemaErrors(noObid)).join('\n')).toMatch(/openimmo_obid/);
    const wrongUmfang = good.replace('umfang="TEIL"', 'umfang="HALB"');
    expect((await openImmoSchemaErrors(wrongUmfang)).join('\n')).toMatch(/umfang/);
  });

  describe('what the adapter actually sends', () => {
    const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
    const adapter = new OpenImmoAdapter(http);
    let portal: FakeOpenImmoPortal;
    let target: OpenImmoTarget;
    const credentials = { username: 'makler', password: 'geheim' };
    beforeAll(async () => {
      portal = await startFakeOpenImmoPortal(credentials);
      target = { organizationId: 'org-1', credentials, options: { ...OPTIONS, endpoint: portal.url } };
    });
    afterAll(async () => {
      await portal.close();
      await http.close();
    });

    it('publish (TEIL CHANGE), remove (TEIL DELETE) and fullTransfer (VOLL) all send schema-valid XML', async () => {
      const listing = germanListing({ photos: [aPhoto(3000), aPhoto(5000)] });
      await adapter.publish(listing, target);
      await adapter.remove(
        {
          listingId: listing.id,
          organizationId: listing.organizationId,
          externalId: listing.id,
          version: 2,
          listing,
        },
        target,
      );
      await adapter.fullTransfer(VARIANTS.slice(0, 3), target);
      expect(portal.transfers.map((t) => [t.umfang, t.modus, t.status])).toEqual([
        ['TEIL', 'CHANGE', 200],
        ['TEIL', 'DELETE', 200],
        ['VOLL', 'NEW', 200],
      ]);
      for (const transfer of portal.transfers) expect(await openImmoSchemaErrors(transfer.xml)).toEqual([]);
    });
  });
});

describe('OpenImmo import reports against the official feedback schema', () => {
  it('the sample report used in the tests is a valid openimmo_feedback and parses to its errors and inquiries', async () => {
    const xml = readFileSync(join(__dirname, 'fixtures', 'openimmo', 'report-sample.xml'), 'utf8');
    expect(await feedbackSchemaErrors(xml)).toEqual([]);
    expect(parseOpenImmoReport('report-sample.xml', xml)).toEqual({
      fileName: 'report-sample.xml',
      providerId: 'P-100',
      errors: [{ objectId: 'obj-2', code: 12, text: 'Kaufpreis fehlt' }],
      status: [{ code: 1, text: 'Import mit Fehlern abgeschlossen' }],
      inquiries: [
        {
          objectId: 'obj-1',
          inquiryId: 'int-77',
          name: 'Max Interessent',
          email: 'max@example.org',
          phone: '+49 30 1234',
          message: 'Ist die Wohnung noch frei?',
        },
      ],
    });
  });

  it('decodes a report by the charset it declares (ISO-8859-1 is common), a byte-order mark, or UTF-8', () => {
    const sample = readFileSync(join(__dirname, 'fixtures', 'openimmo', 'report-sample.xml'), 'utf8')
      .replace('<vorname>Max</vorname>', '<vorname>Jürgen</vorname>')
      .replace('<nachname>Interessent</nachname>', '<nachname>Müßig</nachname>')
      .replace('Ist die Wohnung noch frei?', 'Größe der Küche?');
    const latin1 = Buffer.from(sample.replace('encoding="UTF-8"', "encoding='ISO-8859-1'"), 'latin1');
    const inquiryOf = (data: Buffer) => parseOpenImmoReport('r.xml', decodeReport(data))?.inquiries[0];
    expect(inquiryOf(latin1)).toMatchObject({ name: 'Jürgen Müßig', message: 'Größe der Küche?' });
    // Read blindly as UTF-8, the same bytes lose every umlaut.
    expect(parseOpenImmoReport('r.xml', latin1.toString('utf8'))?.inquiries[0]?.name).toContain('\uFFFD');
    const utf8 = Buffer.from(sample, 'utf8');
    expect(inquiryOf(utf8)).toMatchObject({ name: 'Jürgen Müßig' });
    expect(inquiryOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toMatchObject({ name: 'Jürgen Müßig' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample.replace('UTF-8', 'UTF-16'), 'utf16le')]);
    expect(inquiryOf(utf16)).toMatchObject({ message: 'Größe der Küche?' });
    const windows = Buffer.from(sample.replace('encoding="UTF-8"', 'encoding="windows-1252"'), 'latin1');
    expect(inquiryOf(windows)).toMatchObject({ name: 'Jürgen Müßig' });
  });

  it('anything that is not an openimmo_feedback document is no report', () => {
    expect(parseOpenImmoReport('x.xml', '<openimmo><uebertragung/></openimmo>')).toBeNull();
    expect(parseOpenImmoReport('x.xml', 'not xml <')).toBeNull();
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      '<openimmo_feedback><version>&b;</version><sender><name>x</name><datum>d</datum><makler_id>m</makler_id></sender></openimmo_feedback>';
    expect(parseOpenImmoReport('x.xml', laughs)).toBeNull();
  });
});
