import { outboundErrorIn, type GuardedHttp, type OutboundResponse } from '@ppt/outbound';
import { XMLBuilder } from 'fast-xml-parser';
import { createHash } from 'node:crypto';
import { ZipFile } from 'yazl';
import {
  PortalError,
  refusedCall,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
} from '../portal-adapter';
import { checkRules, rulesApply } from '../preflight';
import { majorUnits, type SyndicationListing, type SyndicationRef } from '../syndication-listing';
import {
  ANHANG_FORMAT,
  FLAECHE_FELD,
  ISO_LAND,
  NUTZUNGSART,
  OBJEKTART,
  OPENIMMO_RULES,
  OPENIMMO_VERSION,
  PREIS_FELD,
  VERMARKTUNGSART,
  WERTKLASSE,
} from './openimmo-codebook';

/** HTTP basic auth of the portal's OpenImmo upload endpoint. */
export interface OpenImmoCredentials {
  username: string;
  password: string;
}

export interface OpenImmoOptions {
  /** The portal's upload URL; each transfer is one POSTed ZIP. */
  endpoint: string;
  /** `<anbieternr>`: our organisation's provider number on that portal. */
  providerId: string;
  /** `<firma>`. */
  providerName: string;
  /** `<uebertragung techn_email>`: where the portal sends import reports. */
  technicalEmail: string;
  /** `<openimmo_anid>`, when the organisation has a registered one; defaults to `providerId`. */
  openimmoAnid?: string;
  /** Per transfer (upload and answer); 30 s by default. */
  timeoutMs?: number;
}

export type OpenImmoTarget = PortalTarget<OpenImmoCredentials, OpenImmoOptions>;

export type OpenImmoUmfang = 'VOLL' | 'TEIL';
export type OpenImmoAktion = 'NEW' | 'CHANGE' | 'DELETE';

/** One `<immobilie>` of a transfer: a listing to create/update, or an object to take down. */
export type OpenImmoObject =
  | { aktion: 'NEW' | 'CHANGE'; listing: SyndicationListing; attachments: OpenImmoAttachment[] }
  | { aktion: 'DELETE'; obid: string; objektnr: string };

export interface OpenImmoAttachment {
  /** File name inside the ZIP (`<daten><pfad>`). */
  path: string;
  format: string;
  data: Buffer;
}

export interface OpenImmoTransfer {
  umfang: OpenImmoUmfang;
  modus: OpenImmoAktion;
  objects: OpenImmoObject[];
}

export const OPENIMMO_XML_FILE = 'openimmo.xml';
const SENDER_SOFTWARE = 'ppt';
const SENDER_VERSION = '1.0';
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `<openimmo_obid>` of a listing: our listing id itself, so it is stable across transfers and
 * computable at removal time even when we never stored what the portal answered.
 */
export function openImmoObid(listingId: string): string {
  return listingId;
}

/**
 * OpenImmo 1.2.7 export for German-speaking portals: every call is one ZIP (openimmo.xml + photos)
 * POSTed to the portal's upload endpoint.
 *
 * NEW vs CHANGE: `publish` always sends `aktion CHANGE` (`modus CHANGE`). OpenImmo receivers
 * identify objects by `openimmo_obid` / `objektnr_extern` within the provider and treat a CHANGE of an
 * object they do not know as an insert (an upsert), which is what makes a retried or re-run job
 * harmless without us keeping "was it sent before?" state. Sending NEW for a first publish would need
 * that state, and a NEW that arrives twice (a retry after a lost answer) is exactly the duplicate we
 * must avoid. `fullTransfer` sends VOLL, where no per-object action applies (everything is new).
 */
export class OpenImmoAdapter implements PortalAdapter<OpenImmoCredentials, OpenImmoOptions> {
  readonly key = 'openimmo' as const;

  /** `http`: the guarded agent every call to the configured endpoint goes through. */
  constructor(private readonly http: GuardedHttp) {}

  appliesTo(listing: SyndicationListing): boolean {
    return rulesApply(listing, OPENIMMO_RULES);
  }

  preflight(listing: SyndicationListing, _target: OpenImmoTarget): PreflightIssue[] {
    const issues = checkRules(listing, OPENIMMO_RULES);
    const add = (field: string, rule: string, message: string) => issues.push({ field, rule, message });
    if (!OBJEKTART[listing.propertyType])
      add('propertyType', 'unsupported_type', `OpenImmo has no object type for "${listing.propertyType}"`);
    if (!VERMARKTUNGSART[listing.transaction])
      add('transaction', 'unsupported_type', `OpenImmo has no marketing type for "${listing.transaction}"`);
    if (!listing.title.trim()) add('title', 'required', 'A title is required');
    if (listing.contact && !listing.contact.email.trim())
      add('contact.email', 'required', "The contact realtor's e-mail address is required");
    return issues;
  }

  async publish(listing: SyndicationListing, target: OpenImmoTarget): Promise<PublishedAdvert> {
    const object = await upsertObject(listing);
    const answer = await this.send({ umfang: 'TEIL', modus: 'CHANGE', objects: [object] }, target);
    const obid = openImmoObid(listing.id);
    return { externalId: obid, url: advertUrl(answer, obid, true) };
  }

  async remove(ref: SyndicationRef, target: OpenImmoTarget): Promise<void> {
    const obid = ref.externalId ?? openImmoObid(ref.listingId);
    await this.send(
      { umfang: 'TEIL', modus: 'DELETE', objects: [{ aktion: 'DELETE', obid, objektnr: ref.listingId }] },
      target,
      { notFoundIsSuccess: true },
    );
  }

  /**
   * A VOLL transfer: `listings` become the provider's whole set on the portal; whatever the portal
   * holds for this provider and is not in it is removed there (nightly reconciliation, since
   * OpenImmo has no call that lists a provider's objects). An empty list empties the portal.
   */
  async fullTransfer(listings: SyndicationListing[], target: OpenImmoTarget): Promise<PublishedAdvert[]> {
    const objects: OpenImmoObject[] = [];
    // One listing's photos at a time, but all of them end up in the one buffered ZIP (see send()).
    for (const listing of listings) objects.push(await upsertObject(listing, 'NEW'));
    const answer = await this.send({ umfang: 'VOLL', modus: 'NEW', objects }, target);
    return listings.map((listing) => {
      const obid = openImmoObid(listing.id);
      return { externalId: obid, url: advertUrl(answer, obid, listings.length === 1) };
    });
  }

  /**
   * Packs and uploads one transfer. The ZIP is buffered in memory: fine for one listing (≤ 50 photos
   * of ≤ 10 MB), heavy for a VOLL transfer of a large organisation — streaming yazl's output into
   * fetch (`duplex: 'half'`) is the upgrade when that starts to matter.
   */
  private async send(
    transfer: OpenImmoTransfer,
    target: OpenImmoTarget,
    { notFoundIsSuccess = false } = {},
  ): Promise<unknown> {
    const xml = buildOpenImmoXml(transfer, target.options);
    const zip = await packTransfer(xml, transfer);
    const { username, password } = target.credentials;
    let response: OutboundResponse;
    try {
      response = await this.http.request(target.options.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/zip',
          accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
          authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
        },
        body: new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength),
        timeoutMs: target.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (err) {
      throw networkError(err);
    }
    const text = response.body.toString('utf8');
    if (response.status >= 200 && response.status < 300) return parseJson(text);
    if (response.status === 404 && notFoundIsSuccess) return null;
    throw httpError(response.status, portalMessage(text));
  }
}

/** Reads the listing's photos and names them inside the ZIP. */
async function upsertObject(
  listing: SyndicationListing,
  aktion: 'NEW' | 'CHANGE' = 'CHANGE',
): Promise<OpenImmoObject> {
  const attachments: OpenImmoAttachment[] = [];
  for (const [i, photo] of listing.photos.entries()) {
    const type = ANHANG_FORMAT[photo.contentType];
    if (!type)
      throw new PortalError(
        'INVALID_DATA',
        `Photo ${i + 1} is ${photo.contentType}; OpenImmo takes JPEG or PNG`,
        false,
      );
    // Listing id + position + photo id: unique within any transfer (VOLL carries many listings).
    const path = `${safeName(listing.id)}-${String(i + 1).padStart(2, '0')}-${safeName(photo.id)}.${type.extension}`;
    attachments.push({ path, format: type.format, data: await photo.read() });
  }
  return { aktion, listing, attachments };
}

/** The openimmo.xml of one transfer. */
export function buildOpenImmoXml(
  transfer: OpenImmoTransfer,
  options: Pick<OpenImmoOptions, 'providerId' | 'providerName' | 'technicalEmail' | 'openimmoAnid'>,
  now: Date = new Date(),
): string {
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    openimmo: {
      uebertragung: {
        '@_art': 'OFFLINE',
        '@_umfang': transfer.umfang,
        '@_modus': transfer.modus,
        '@_version': OPENIMMO_VERSION,
        '@_sendersoftware': SENDER_SOFTWARE,
        '@_senderversion': SENDER_VERSION,
        '@_techn_email': options.technicalEmail,
        '@_timestamp': now.toISOString(),
      },
      anbieter: {
        anbieternr: text(options.providerId),
        firma: text(options.providerName),
        openimmo_anid: text(options.openimmoAnid ?? options.providerId),
        immobilie: transfer.objects.map((object) =>
          object.aktion === 'DELETE'
            ? deletedImmobilie(object.obid, object.objektnr, now)
            : immobilie(object.listing, object.aktion, object.attachments, now),
        ),
      },
    },
  };
  return xmlBuilder.build(document) as string;
}

const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // The default renders an attribute whose value is "true" as a bare name: not XML.
  suppressBooleanAttributes: false,
  processEntities: true,
});

/**
 * The whole field mapping of one listing, in OpenImmo 1.2.7 element order (the schema's sequences are
 * ordered; object keys keep insertion order, so the order here is the order in the XML).
 */
function immobilie(
  listing: SyndicationListing,
  aktion: 'NEW' | 'CHANGE',
  attachments: OpenImmoAttachment[],
  now: Date,
): Record<string, unknown> {
  const objektart = OBJEKTART[listing.propertyType];
  const vermarktung = VERMARKTUNGSART[listing.transaction];
  const isoLand = ISO_LAND[listing.address.country];
  if (!objektart) throw invalid(`OpenImmo has no object type for "${listing.propertyType}"`);
  if (!vermarktung) throw invalid(`OpenImmo has no marketing type for "${listing.transaction}"`);
  if (!isoLand) throw invalid(`OpenImmo export does not serve country "${listing.address.country}"`);
  if (!listing.contact) throw new PortalError('INCOMPLETE_DATA', 'A contact realtor is required', false);

  const nutzung = NUTZUNGSART[listing.propertyType];
  const { street, houseNumber } = splitStreet(listing.address.line);
  const obid = openImmoObid(listing.id);
  return {
    objektkategorie: {
      nutzungsart: { '@_WOHNEN': bool(nutzung === 'WOHNEN'), '@_GEWERBE': bool(nutzung === 'GEWERBE') },
      vermarktungsart: {
        '@_KAUF': bool(vermarktung === 'KAUF'),
        '@_MIETE_PACHT': bool(vermarktung === 'MIETE_PACHT'),
      },
      objektart: { [objektart]: '' },
    },
    geo: {
      plz: text(listing.address.postalCode),
      ort: text(listing.address.city),
      ...(listing.latitude !== null && listing.longitude !== null
        ? { geokoordinaten: { '@_breitengrad': listing.latitude, '@_laengengrad': listing.longitude } }
        : {}),
      strasse: text(street),
      ...(houseNumber ? { hausnummer: houseNumber } : {}),
      ...(listing.address.region ? { bundesland: text(listing.address.region) } : {}),
      land: { '@_iso_land': isoLand },
      ...(listing.floor !== null ? { etage: listing.floor } : {}),
    },
    kontaktperson: {
      email_zentrale: text(listing.contact.email),
      ...(listing.contact.phone ? { tel_zentrale: text(listing.contact.phone) } : {}),
      name: text(listing.contact.name),
      personennummer: text(listing.contact.id),
    },
    preise: {
      [PREIS_FELD[listing.transaction]]: majorUnits(listing.priceAmount, listing.currency),
      waehrung: { '@_iso_waehrung': listing.currency },
    },
    flaechen: {
      ...(listing.areaM2 !== null ? { [FLAECHE_FELD[listing.propertyType]]: listing.areaM2 } : {}),
      ...(listing.rooms !== null ? { anzahl_zimmer: listing.rooms } : {}),
    },
    ...(listing.energyClass
      ? { zustand_angaben: { energiepass: { wertklasse: WERTKLASSE[listing.energyClass] } } }
      : {}),
    freitexte: {
      objekttitel: text(listing.title),
      ...(listing.features.length ? { ausstatt_beschr: text(listing.features.join(', ')) } : {}),
      objektbeschreibung: text(listing.description),
    },
    ...(attachments.length
      ? {
          anhaenge: {
            anhang: attachments.map((file, i) => ({
              '@_location': 'INTERN',
              '@_gruppe': i === 0 ? 'TITELBILD' : 'BILD',
              anhangtitel: i === 0 ? 'Titelbild' : `Bild ${i + 1}`,
              format: file.format,
              check: { '@_ctype': 'MD5', '#text': createHash('md5').update(file.data).digest('hex') },
              daten: { pfad: file.path },
            })),
          },
        }
      : {}),
    verwaltung_techn: {
      objektnr_intern: text(listing.id),
      objektnr_extern: text(listing.id),
      // No `aktion` element means NEW in OpenImmo.
      ...(aktion === 'CHANGE' ? { aktion: { '@_aktionart': 'CHANGE' } } : {}),
      openimmo_obid: text(obid),
      kennung_ursprung: SENDER_SOFTWARE,
      stand_vom: now.toISOString().slice(0, 10),
    },
  };
}

/**
 * A DELETE. The schema wants the full object, but receivers identify a deletion by obid /
 * objektnr_extern only, and at removal time we may no longer have the listing; we send the
 * `verwaltung_techn` block alone, as most OpenImmo senders do.
 */
function deletedImmobilie(obid: string, objektnr: string, now: Date): Record<string, unknown> {
  return {
    verwaltung_techn: {
      objektnr_intern: text(objektnr),
      objektnr_extern: text(objektnr),
      aktion: { '@_aktionart': 'DELETE' },
      openimmo_obid: text(obid),
      kennung_ursprung: SENDER_SOFTWARE,
      stand_vom: now.toISOString().slice(0, 10),
    },
  };
}

async function packTransfer(xml: string, transfer: OpenImmoTransfer): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date();
  zip.addBuffer(Buffer.from(xml, 'utf8'), OPENIMMO_XML_FILE, { mtime, compress: true });
  for (const object of transfer.objects) {
    if (object.aktion === 'DELETE') continue;
    // JPEG/PNG are compressed already; deflating them again costs CPU and saves nothing.
    for (const file of object.attachments) zip.addBuffer(file.data, file.path, { mtime, compress: false });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Portals may answer `{ "objects": [{ "openimmo_obid", "url" }] }`, or `{ "url" }` for one object. */
function advertUrl(answer: unknown, obid: string, singleObject: boolean): string | null {
  if (!answer || typeof answer !== 'object') return null;
  const { objects, url } = answer as { objects?: unknown; url?: unknown };
  if (Array.isArray(objects)) {
    const entry = objects.find(
      (o): o is { url?: unknown } =>
        !!o && typeof o === 'object' && (o as { openimmo_obid?: unknown }).openimmo_obid === obid,
    );
    if (entry && typeof entry.url === 'string') return entry.url;
  }
  return singleObject && typeof url === 'string' ? url : null;
}

/** The message is ours; the portal's words travel only in `portalMessage` (operators' log). */
function httpError(status: number, message: string | null): PortalError {
  if (status === 401 || status === 403)
    return new PortalError(
      'INVALID_LOGIN',
      `The portal refused the login (HTTP ${status})`,
      false,
      status,
      message,
    );
  if (status === 400)
    return new PortalError(
      'INVALID_DATA',
      `The portal refused the data (HTTP ${status})`,
      false,
      status,
      message,
    );
  if (status === 422)
    return new PortalError(
      'INCOMPLETE_DATA',
      `The portal found the data incomplete (HTTP ${status})`,
      false,
      status,
      message,
    );
  if (status === 404)
    return new PortalError(
      'NOT_FOUND',
      `The portal's upload endpoint was not found (HTTP ${status})`,
      false,
      status,
      message,
    );
  if (status === 429)
    return new PortalError(
      'RATE_LIMITED',
      `The portal is rate limiting us (HTTP ${status})`,
      true,
      status,
      message,
    );
  if (status === 408 || status >= 500)
    return new PortalError(
      'PORTAL_UNAVAILABLE',
      `The portal is unavailable (HTTP ${status})`,
      true,
      status,
      message,
    );
  return new PortalError(
    'PORTAL_REJECTED',
    `The portal rejected the transfer (HTTP ${status})`,
    false,
    status,
    message,
  );
}

function networkError(err: unknown): PortalError {
  if (err instanceof PortalError) return err;
  const refused = outboundErrorIn(err);
  if (refused) return refusedCall(refused, 'OpenImmo');
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new PortalError('PORTAL_UNAVAILABLE', 'The portal did not answer in time', true);
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error | null)?.message ?? String(err);
  return new PortalError('PORTAL_UNAVAILABLE', `The portal could not be reached (${detail})`, true);
}

/** The portal's words: JSON `{ error }` / `{ error: { message } }` / `{ message }`, or the plain text. */
function portalMessage(body: string): string | null {
  const json = parseJson(body) as { error?: unknown; message?: unknown } | null;
  if (json && typeof json === 'object') {
    const { error, message } = json;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
      return (error as { message: string }).message;
    if (typeof message === 'string') return message;
  }
  const trimmed = body.trim();
  return trimmed ? trimmed.slice(0, 2000) : null;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

/** "Hauptstraße 5a" → strasse "Hauptstraße", hausnummer "5a"; anything else stays in strasse. */
function splitStreet(line: string): { street: string; houseNumber: string | null } {
  const match = /^(.*\D)\s+(\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)$/.exec(line.trim());
  return match
    ? { street: match[1].trim(), houseNumber: match[2] }
    : { street: line.trim(), houseNumber: null };
}

/** XML 1.0 cannot carry most control characters, not even escaped; portals reject the file. */
function text(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function bool(value: boolean): 'true' | 'false' {
  return value ? 'true' : 'false';
}

function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}

function invalid(message: string): PortalError {
  return new PortalError('INVALID_DATA', message, false);
}
