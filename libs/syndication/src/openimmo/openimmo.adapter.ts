import { outboundErrorIn, type GuardedHttp, type OutboundResponse } from '@ppt/outbound';
import { XMLBuilder } from 'fast-xml-parser';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  PortalError,
  refusedCall,
  type PortalAdapter,
  type PortalTarget,
  type PreflightIssue,
  type PublishedAdvert,
} from '../portal-adapter';
import type { OpenImmoOverrides } from '../portal-overrides';
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
import { decodeReport, parseOpenImmoReport, type OpenImmoReport } from './openimmo-feedback';
import { fileDropError, openFileDrop, type FileDrop } from './openimmo-file-drop';
import { packTransferToFile, type OpenImmoAttachment, type PackedTransfer } from './openimmo-package';

/** The login of the portal's import server (FTP/SFTP) or HTTP basic auth of its upload URL. */
export interface OpenImmoCredentials {
  username: string;
  password: string;
}

export interface OpenImmoOptions {
  /**
   * Where transfers go: `sftp://host[:port]/dir` or `ftps://…` / `ftp://…` (the ZIP is dropped in
   * that directory, as ImmoScout24 and immowelt take it), or an `https://` URL each ZIP is POSTed to.
   */
  endpoint: string;
  /** FTP/SFTP: the directory the portal writes its import reports (`openimmo_feedback` XML) to. */
  reportsPath?: string;
  /** SFTP: the server's host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  hostKeySha256?: string;
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

/**
 * One `<immobilie>` of a transfer: a listing to create/update, or an object to take down (with the
 * listing when we still have it: the schema wants a whole object even for a DELETE).
 */
export type OpenImmoObject =
  | { aktion: 'NEW' | 'CHANGE'; listing: SyndicationListing; attachments: OpenImmoAttachment[] }
  | { aktion: 'DELETE'; obid: string; objektnr: string; listing?: SyndicationListing };

export type { OpenImmoAttachment } from './openimmo-package';

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
    const object = upsertObject(listing);
    const answer = await this.send({ umfang: 'TEIL', modus: 'CHANGE', objects: [object] }, target);
    const obid = openImmoObid(listing.id);
    return { externalId: obid, url: advertUrl(answer, obid, true) };
  }

  async remove(ref: SyndicationRef, target: OpenImmoTarget): Promise<void> {
    const obid = ref.externalId ?? openImmoObid(ref.listingId);
    await this.send(
      {
        umfang: 'TEIL',
        modus: 'DELETE',
        objects: [{ aktion: 'DELETE', obid, objektnr: ref.listingId, listing: ref.listing }],
      },
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
    const objects = listings.map((listing) => upsertObject(listing, 'NEW'));
    const answer = await this.send({ umfang: 'VOLL', modus: 'NEW', objects }, target);
    return listings.map((listing) => {
      const obid = openImmoObid(listing.id);
      return { externalId: obid, url: advertUrl(answer, obid, listings.length === 1) };
    });
  }

  /**
   * Reads the portal's import reports (`openimmo_feedback` files in `reportsPath` on its FTP/SFTP
   * server), oldest name first. Each report is handed to `apply` and deleted from the server only
   * after `apply` resolved, so a crash in between reads it again (apply must be idempotent: inquiry
   * ids, error states). A file that is not a report, or larger than a report can be, stays where it
   * is and is counted in `skipped`. Endpoints without a reports directory have nothing to read.
   */
  async readReports(
    target: OpenImmoTarget,
    apply: (report: OpenImmoReport) => Promise<void>,
    maxReports = MAX_REPORTS_PER_PASS,
  ): Promise<{ applied: number; skipped: number; deferred: number }> {
    const { reportsPath } = target.options;
    if (!reportsPath || !isFileDrop(target.options.endpoint)) return { applied: 0, skipped: 0, deferred: 0 };
    const drop = await this.openDrop(target);
    let applied = 0;
    let skipped = 0;
    let deferred = 0;
    try {
      const files = (await drop.listFiles(reportsPath))
        .filter((file) => /\.xml$/i.test(file.name))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const [index, file] of files.entries()) {
        // A per-pass cap: a backlog (a portal that wrote thousands of reports, a long outage) is read
        // over several passes, oldest first, instead of holding the syndication queue for one.
        if (applied >= maxReports) {
          deferred = files.length - index;
          break;
        }
        const path = `${reportsPath.replace(/\/+$/, '')}/${file.name}`;
        const data = await drop.read(path).catch(() => null);
        const report = data && parseOpenImmoReport(file.name, decodeReport(data));
        if (!report) {
          skipped++;
          continue;
        }
        await apply(report);
        await drop.remove(path);
        applied++;
      }
    } finally {
      await drop.close();
    }
    return { applied, skipped, deferred };
  }

  /**
   * Packs one transfer into a temporary ZIP (one photo in memory at a time) and delivers it: dropped
   * on the portal's FTP/SFTP import server, or POSTed to an HTTPS upload URL. File drops answer
   * nothing about the objects; the portal's verdict comes later, in its import reports.
   */
  private async send(
    transfer: OpenImmoTransfer,
    target: OpenImmoTarget,
    { notFoundIsSuccess = false } = {},
  ): Promise<unknown> {
    const attachments = transfer.objects.flatMap((object) =>
      object.aktion === 'DELETE' ? [] : object.attachments,
    );
    const xml = buildOpenImmoXml(transfer, target.options);
    const packed = await packTransferToFile({ fileName: OPENIMMO_XML_FILE, contents: xml }, attachments);
    try {
      if (isFileDrop(target.options.endpoint)) {
        const drop = await this.openDrop(target);
        try {
          await drop.upload(packed.path, transferFileName(transfer, target.options.providerId));
        } finally {
          await drop.close();
        }
        return null;
      }
      return await this.post(packed, target, notFoundIsSuccess);
    } finally {
      await packed.dispose();
    }
  }

  private openDrop(target: OpenImmoTarget): Promise<FileDrop> {
    return openFileDrop(this.http, target.options.endpoint, {
      username: target.credentials.username,
      password: target.credentials.password,
      hostKeySha256: target.options.hostKeySha256,
      timeoutMs: target.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    }).catch((err: unknown) => {
      throw fileDropError(err);
    });
  }

  private async post(
    packed: PackedTransfer,
    target: OpenImmoTarget,
    notFoundIsSuccess: boolean,
  ): Promise<unknown> {
    const { username, password } = target.credentials;
    let response: OutboundResponse;
    try {
      response = await this.http.request(target.options.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/zip',
          'content-length': String(packed.sizeBytes),
          accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
          authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
        },
        body: createReadStream(packed.path),
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

/** ftp://, ftps:// and sftp:// endpoints are import servers we drop files on. */
/** Reports applied per organisation in one pass of `read-portal-reports` (the rest wait 10 minutes). */
export const MAX_REPORTS_PER_PASS = 200;

function isFileDrop(endpoint: string): boolean {
  return /^(s?ftp|ftps):\/\//i.test(endpoint);
}

/** `<provider>-<UTC timestamp>-<TEIL|VOLL>-<random>.zip`: unique, and sorted by time on the server. */
function transferFileName(transfer: OpenImmoTransfer, providerId: string): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  return `${safeName(providerId)}-${stamp}-${transfer.umfang}-${randomUUID().slice(0, 8)}.zip`;
}

/** Names the listing's photos inside the ZIP; they are read only while the ZIP is written. */
function upsertObject(listing: SyndicationListing, aktion: 'NEW' | 'CHANGE' = 'CHANGE'): OpenImmoObject {
  const attachments = listing.photos.map((photo, i): OpenImmoAttachment => {
    const type = ANHANG_FORMAT[photo.contentType];
    if (!type)
      throw new PortalError(
        'INVALID_DATA',
        `Photo ${i + 1} is ${photo.contentType}; OpenImmo takes JPEG or PNG`,
        false,
      );
    // Listing id + position + photo id: unique within any transfer (VOLL carries many listings).
    const path = `${safeName(listing.id)}-${String(i + 1).padStart(2, '0')}-${safeName(photo.id)}.${type.extension}`;
    return { path, format: type.format, photo };
  });
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
            ? deletedImmobilie(object, now)
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
  aktion: 'NEW' | 'CHANGE' | 'DELETE',
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

  const overrides = listing.overrides?.openimmo ?? {};
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
      // The manager's per-listing override; the schema's sequence puts it before the currency.
      ...(overrides.commission ? { aussen_courtage: text(overrides.commission) } : {}),
      waehrung: { '@_iso_waehrung': listing.currency },
    },
    flaechen: {
      ...(listing.areaM2 !== null ? { [FLAECHE_FELD[listing.propertyType]]: listing.areaM2 } : {}),
      ...(listing.rooms !== null ? { anzahl_zimmer: listing.rooms } : {}),
    },
    ...(energiepass(listing, overrides) ? { zustand_angaben: { energiepass: energiepass(listing, overrides) } } : {}),
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
              // No `<check ctype="MD5">`: the 1.2.7 schema types its content as xs:dateTime, so an
              // MD5 there makes the document invalid for receivers that validate.
              daten: { pfad: file.path },
            })),
          },
        }
      : {}),
    verwaltung_techn: {
      objektnr_intern: text(listing.id),
      objektnr_extern: text(listing.id),
      // The schema requires `<aktion/>`; without `aktionart` it means NEW.
      aktion: aktion === 'NEW' ? '' : { '@_aktionart': aktion },
      openimmo_obid: text(obid),
      kennung_ursprung: SENDER_SOFTWARE,
      stand_vom: now.toISOString().slice(0, 10),
    },
  };
}

/**
 * The energy certificate (EnEV/GEG: adverts must state it): the type, validity and value from the
 * listing's OpenImmo overrides, the class from the listing. Elements in the schema's sequence order
 * (epart, gueltig_bis, energieverbrauchkennwert, mitwarmwasser, endenergiebedarf, …, wertklasse);
 * the value goes to `energieverbrauchkennwert` for a consumption certificate (VERBRAUCH) and to
 * `endenergiebedarf` for a demand certificate (BEDARF), as the schema's note says.
 */
function energiepass(
  listing: SyndicationListing,
  overrides: OpenImmoOverrides,
): Record<string, unknown> | null {
  const cert = overrides.energyCertificate;
  if (!cert && !listing.energyClass) return null;
  const value = cert ? String(cert.valueKwhPerM2Year) : null;
  return {
    ...(cert
      ? {
          epart: cert.type === 'demand' ? 'BEDARF' : 'VERBRAUCH',
          gueltig_bis: cert.validUntil,
          ...(cert.type === 'consumption' ? { energieverbrauchkennwert: value } : { endenergiebedarf: value }),
        }
      : {}),
    ...(listing.energyClass ? { wertklasse: WERTKLASSE[listing.energyClass] } : {}),
  };
}

/**
 * A DELETE. Receivers identify the object by openimmo_obid / objektnr_extern, but the schema wants a
 * whole `<immobilie>`: the listing as we have it when we still do, else the smallest object the
 * schema accepts (a placeholder category, place and contact) around the identifiers.
 */
function deletedImmobilie(
  object: Extract<OpenImmoObject, { aktion: 'DELETE' }>,
  now: Date,
): Record<string, unknown> {
  if (object.listing && object.listing.contact && ISO_LAND[object.listing.address.country]) {
    const full = immobilie(object.listing, 'DELETE', [], now);
    return { ...full, verwaltung_techn: deleteTechn(object, now) };
  }
  return {
    objektkategorie: {
      nutzungsart: { '@_WOHNEN': 'false', '@_GEWERBE': 'false' },
      vermarktungsart: { '@_KAUF': 'false', '@_MIETE_PACHT': 'false' },
      objektart: { sonstige: '' },
    },
    geo: { ort: '-' },
    kontaktperson: { tel_handy: '-', name: '-' },
    verwaltung_techn: deleteTechn(object, now),
  };
}

function deleteTechn(object: { obid: string; objektnr: string }, now: Date): Record<string, unknown> {
  return {
    objektnr_intern: text(object.objektnr),
    objektnr_extern: text(object.objektnr),
    aktion: { '@_aktionart': 'DELETE' },
    openimmo_obid: text(object.obid),
    kennung_ursprung: SENDER_SOFTWARE,
    stand_vom: now.toISOString().slice(0, 10),
  };
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
