import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import yauzl from 'yauzl';

/** One photo as the portal stored it. */
export interface FakeOpenImmoPhoto {
  /** `<daten><pfad>`: the file name inside the ZIP. */
  path: string;
  gruppe: string;
  title: string | null;
  format: string | null;
  sizeBytes: number;
  sha256: string;
}

/** One object (`<immobilie>`) as the portal keeps it, parsed from the last NEW/CHANGE/VOLL. */
export interface FakeOpenImmoObject {
  obid: string;
  providerId: string;
  objektnrExtern: string;
  objektnrIntern: string | null;
  objektart: string;
  nutzungsart: { WOHNEN: boolean; GEWERBE: boolean };
  vermarktungsart: { KAUF: boolean; MIETE_PACHT: boolean };
  title: string;
  description: string;
  /** Major units, as sent (`kaufpreis` or `kaltmiete`). */
  price: number;
  priceField: 'kaufpreis' | 'kaltmiete';
  currency: string | null;
  postalCode: string;
  city: string;
  street: string | null;
  houseNumber: string | null;
  isoLand: string;
  latitude: number | null;
  longitude: number | null;
  floor: number | null;
  /** `<flaechen>` children with their numbers (wohnflaeche, nutzflaeche, anzahl_zimmer …). */
  areas: Record<string, number>;
  energyClass: string | null;
  contact: { name: string; email: string; phone: string | null };
  photos: FakeOpenImmoPhoto[];
  /** How many transfers wrote this object (1 after the first). */
  writes: number;
  lastAction: 'NEW' | 'CHANGE';
}

export interface FakeOpenImmoTransfer {
  umfang: 'VOLL' | 'TEIL';
  /** `<uebertragung modus>`. */
  modus: string | null;
  providerId: string;
  /** Per object: its obid and the action it carried (no `<aktion>` = NEW). */
  objects: { obid: string; aktion: 'NEW' | 'CHANGE' | 'DELETE' }[];
  /** Every file in the ZIP with its size. */
  files: { name: string; sizeBytes: number }[];
  /** openimmo.xml as received. */
  xml: string;
  status: number;
}

export interface FakeOpenImmoPortal {
  /** The upload endpoint (OpenImmoOptions.endpoint). */
  url: string;
  /** Current objects by openimmo_obid, over all providers. */
  objects: Map<string, FakeOpenImmoObject>;
  /** Every transfer whose ZIP the portal could open (whatever it answered then), oldest first. */
  transfers: FakeOpenImmoTransfer[];
  /** The next `count` uploads are answered with `status` (and `message` as `{ error }`) before anything else. */
  failNext(count: number, status: number, message?: string): void;
  /** Every upload is answered with `status` until called with null. */
  alwaysFail(status: number | null, message?: string): void;
  close(): Promise<void>;
}

const XML_NAMES = /\.xml$/i;

class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local OpenImmo receiver on loopback, behaving like German portals' import endpoints: one
 * HTTP POST per transfer, body a ZIP with the OpenImmo XML and the attachments it names, HTTP basic
 * auth. VOLL replaces the provider's whole set; TEIL upserts NEW/CHANGE objects by openimmo_obid
 * (a CHANGE of an unknown object inserts it, as real receivers do) and removes DELETE objects (an
 * unknown one answers 404). Whatever it cannot read answers 400 with a message, and nothing of that
 * transfer is applied. Success answers `{ "objects": [{ "openimmo_obid", "aktion", "url" }] }`.
 */
export async function startFakeOpenImmoPortal(config: {
  username: string;
  password: string;
  latencyMs?: number;
}): Promise<FakeOpenImmoPortal> {
  const objects = new Map<string, FakeOpenImmoObject>();
  const transfers: FakeOpenImmoTransfer[] = [];
  let failures: { count: number; status: number; message: string } | null = null;
  let permanentFailure: { status: number; message: string } | null = null;
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (config.latencyMs) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    if (req.method !== 'POST' || req.url !== '/openimmo/upload')
      return reply(res, 404, { error: 'Not found' });
    if (failures && failures.count > 0) {
      const { status, message } = failures;
      if (--failures.count === 0) failures = null;
      return reply(res, status, { error: message });
    }
    if (permanentFailure) return reply(res, permanentFailure.status, { error: permanentFailure.message });
    if (!authorized(req.headers.authorization, config.username, config.password)) {
      res.setHeader('www-authenticate', 'Basic realm="openimmo"');
      return reply(res, 401, { error: 'Benutzername oder Passwort falsch' });
    }
    if (!/^application\/(zip|x-zip-compressed)\b/.test(req.headers['content-type'] ?? ''))
      return reply(res, 415, { error: 'Expected an OpenImmo ZIP (application/zip)' });

    const { status, payload } = await receiveTransfer(body, { objects, transfers, baseUrl });
    reply(res, status, payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) reply(res, 500, { error: err.message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `${baseUrl}/openimmo/upload`,
    objects,
    transfers,
    failNext(count, status, message = `HTTP ${status}`) {
      failures = count > 0 ? { count, status, message } : null;
    },
    alwaysFail(status, message = `HTTP ${status}`) {
      permanentFailure = status === null ? null : { status, message };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * What an OpenImmo receiver does with one transfer ZIP, whichever way it arrived (HTTP POST or a
 * file dropped on its FTP/SFTP import server): unpack, check, apply to `objects`, record it in
 * `transfers`, and answer with an HTTP-like status and payload.
 */
export async function receiveTransfer(
  body: Buffer,
  {
    objects,
    transfers,
    baseUrl,
  }: { objects: Map<string, FakeOpenImmoObject>; transfers: FakeOpenImmoTransfer[]; baseUrl: string },
): Promise<TransferAnswer> {
  let files: Map<string, Buffer>;
  try {
    files = await unzip(body);
  } catch (err) {
    return { status: 400, payload: { error: `Not a readable ZIP archive: ${(err as Error).message}` } };
  }
  const xmlName = files.has('openimmo.xml')
    ? 'openimmo.xml'
    : [...files.keys()].find((n) => XML_NAMES.test(n));
  const xmlFile = xmlName ? files.get(xmlName) : undefined;
  if (!xmlFile) return { status: 400, payload: { error: 'The ZIP holds no OpenImmo XML file' } };
  const xml = xmlFile.toString('utf8');
  const transfer: FakeOpenImmoTransfer = {
    umfang: 'TEIL',
    modus: null,
    providerId: '',
    objects: [],
    files: [...files].map(([name, data]) => ({ name, sizeBytes: data.length })),
    xml,
    status: 0,
  };
  transfers.push(transfer);
  const answer = (status: number, payload: TransferAnswer['payload']): TransferAnswer => {
    transfer.status = status;
    return { status, payload };
  };

  try {
    const parsed = parseTransfer(xml, files);
    Object.assign(transfer, {
      umfang: parsed.umfang,
      modus: parsed.modus,
      providerId: parsed.providerId,
      objects: parsed.objects.map((o) => ({ obid: o.obid, aktion: o.aktion })),
    });
    const unknown: string[] = [];
    if (parsed.umfang === 'VOLL') {
      const sent = new Set(parsed.objects.map((o) => o.obid));
      for (const [obid, object] of objects)
        if (object.providerId === parsed.providerId && !sent.has(obid)) objects.delete(obid);
    }
    for (const item of parsed.objects) {
      if (item.aktion === 'DELETE') {
        const existing = objects.get(item.obid);
        if (existing && existing.providerId === parsed.providerId) objects.delete(item.obid);
        else unknown.push(item.obid);
      } else {
        const previous = objects.get(item.obid);
        objects.set(item.obid, {
          ...item.object,
          writes: (previous?.writes ?? 0) + 1,
          lastAction: item.aktion,
        });
      }
    }
    if (unknown.length) return answer(404, { error: `Objekt unbekannt: ${unknown.join(', ')}` });
    return answer(200, {
      objects: parsed.objects.map((o) => ({
        openimmo_obid: o.obid,
        aktion: o.aktion,
        url: o.aktion === 'DELETE' ? null : `${baseUrl}/expose/${encodeURIComponent(o.obid)}`,
      })),
    });
  } catch (err) {
    if (err instanceof Rejection) return answer(err.status, { error: err.message });
    throw err;
  }
}

export interface TransferAnswer {
  status: number;
  payload: { error?: string; objects?: { openimmo_obid: string; aktion: string; url: string | null }[] };
}

type ParsedItem =
  | { obid: string; aktion: 'NEW' | 'CHANGE'; object: Omit<FakeOpenImmoObject, 'writes' | 'lastAction'> }
  | { obid: string; aktion: 'DELETE' };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string (object numbers with leading zeros, postcodes); numbers are read below.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['immobilie', 'anhang'].includes(name),
});

type Node = Record<string, unknown>;

function parseTransfer(
  xml: string,
  files: Map<string, Buffer>,
): { umfang: 'VOLL' | 'TEIL'; modus: string | null; providerId: string; objects: ParsedItem[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Rejection(400, `XML nicht lesbar (line ${valid.err.line}): ${valid.err.msg}`);
  const doc = parser.parse(xml) as Node;
  const root = node(doc, 'openimmo');
  const uebertragung = node(root, 'uebertragung');
  const umfang = attr(uebertragung, 'umfang');
  if (umfang !== 'VOLL' && umfang !== 'TEIL')
    throw new Rejection(400, `uebertragung umfang "${umfang}" unknown`);
  const version = attr(uebertragung, 'version');
  if (!version?.startsWith('1.2.')) throw new Rejection(400, `OpenImmo version ${version} not supported`);
  const anbieter = node(root, 'anbieter');
  const providerId = required(anbieter, 'anbieternr', 'anbieter');
  const items = ((anbieter['immobilie'] as Node[] | undefined) ?? []).map((immobilie, i) =>
    parseImmobilie(immobilie, i, providerId, files),
  );
  const obids = items.map((o) => o.obid);
  const duplicate = obids.find((obid, i) => obids.indexOf(obid) !== i);
  if (duplicate) throw new Rejection(400, `openimmo_obid ${duplicate} appears twice in the transfer`);
  if (umfang === 'VOLL' && items.some((o) => o.aktion === 'DELETE'))
    throw new Rejection(400, 'A VOLL transfer cannot delete objects');
  return { umfang, modus: attr(uebertragung, 'modus'), providerId, objects: items };
}

function parseImmobilie(
  immobilie: Node,
  index: number,
  providerId: string,
  files: Map<string, Buffer>,
): ParsedItem {
  const where = `immobilie[${index + 1}]`;
  const techn = node(immobilie, 'verwaltung_techn', where);
  const obid = required(techn, 'openimmo_obid', `${where}/verwaltung_techn`);
  const objektnrExtern = required(techn, 'objektnr_extern', `${where}/verwaltung_techn`);
  const aktionart = techn['aktion'] ? attr(techn['aktion'] as Node, 'aktionart') : null;
  const aktion = aktionart ?? 'NEW';
  if (aktion !== 'NEW' && aktion !== 'CHANGE' && aktion !== 'DELETE')
    throw new Rejection(400, `${where}: aktionart "${aktion}" unknown`);
  if (aktion === 'DELETE') return { obid, aktion };

  const kategorie = node(immobilie, 'objektkategorie', where);
  const objektartNode = node(kategorie, 'objektart', `${where}/objektkategorie`);
  const objektart = Object.keys(objektartNode).find((k) => !k.startsWith('@_'));
  if (!objektart) throw new Rejection(400, `${where}: objektart is empty`);
  const nutzung = node(kategorie, 'nutzungsart', `${where}/objektkategorie`);
  const vermarktung = node(kategorie, 'vermarktungsart', `${where}/objektkategorie`);
  const geo = node(immobilie, 'geo', where);
  const land = node(geo, 'land', `${where}/geo`);
  const isoLand = attr(land, 'iso_land');
  if (!isoLand || !/^[A-Z]{3}$/.test(isoLand))
    throw new Rejection(400, `${where}: land iso_land must be ISO alpha-3`);
  const koordinaten = geo['geokoordinaten'] as Node | undefined;
  const kontakt = node(immobilie, 'kontaktperson', where);
  const preise = node(immobilie, 'preise', where);
  const priceField = 'kaufpreis' in preise ? 'kaufpreis' : 'kaltmiete' in preise ? 'kaltmiete' : null;
  if (!priceField) throw new Rejection(400, `${where}: preise needs kaufpreis or kaltmiete`);
  const price = decimal(preise[priceField], `${where}/preise/${priceField}`) ?? NaN;
  const flaechen = node(immobilie, 'flaechen', where);
  const freitexte = node(immobilie, 'freitexte', where);
  const energiepass = (immobilie['zustand_angaben'] as Node | undefined)?.['energiepass'] as Node | undefined;

  const photos = (((immobilie['anhaenge'] as Node | undefined)?.['anhang'] as Node[] | undefined) ?? []).map(
    (anhang, i) => {
      const at = `${where}/anhaenge/anhang[${i + 1}]`;
      if (attr(anhang, 'location') !== 'INTERN')
        throw new Rejection(400, `${at}: only location INTERN is accepted`);
      const path = required(node(anhang, 'daten', at), 'pfad', `${at}/daten`);
      const data = files.get(path);
      if (!data) throw new Rejection(400, `${at}: file "${path}" is not in the ZIP`);
      const check = anhang['check'] as Node | string | undefined;
      const md5 = typeof check === 'object' ? (check['#text'] as string | undefined) : check;
      if (md5 && createHash('md5').update(data).digest('hex') !== md5.toLowerCase())
        throw new Rejection(400, `${at}: MD5 check of "${path}" failed`);
      return {
        path,
        gruppe: attr(anhang, 'gruppe') ?? 'BILD',
        title: optional(anhang, 'anhangtitel'),
        format: optional(anhang, 'format'),
        sizeBytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      };
    },
  );

  const areas: Record<string, number> = {};
  for (const [key, value] of Object.entries(flaechen))
    if (!key.startsWith('@_')) areas[key] = decimal(value, `${where}/flaechen/${key}`) ?? NaN;

  return {
    obid,
    aktion,
    object: {
      obid,
      providerId,
      objektnrExtern,
      objektnrIntern: optional(techn, 'objektnr_intern'),
      objektart,
      nutzungsart: {
        WOHNEN: attr(nutzung, 'WOHNEN') === 'true',
        GEWERBE: attr(nutzung, 'GEWERBE') === 'true',
      },
      vermarktungsart: {
        KAUF: attr(vermarktung, 'KAUF') === 'true',
        MIETE_PACHT: attr(vermarktung, 'MIETE_PACHT') === 'true',
      },
      title: required(freitexte, 'objekttitel', `${where}/freitexte`),
      description: optional(freitexte, 'objektbeschreibung') ?? '',
      price,
      priceField,
      currency: preise['waehrung'] ? attr(preise['waehrung'] as Node, 'iso_waehrung') : null,
      postalCode: required(geo, 'plz', `${where}/geo`),
      city: required(geo, 'ort', `${where}/geo`),
      street: optional(geo, 'strasse'),
      houseNumber: optional(geo, 'hausnummer'),
      isoLand,
      latitude: koordinaten ? decimal(attr(koordinaten, 'breitengrad'), `${where}/geo/geokoordinaten`) : null,
      longitude: koordinaten
        ? decimal(attr(koordinaten, 'laengengrad'), `${where}/geo/geokoordinaten`)
        : null,
      floor: decimal(geo['etage'], `${where}/geo/etage`),
      areas,
      energyClass: energiepass ? optional(energiepass, 'wertklasse') : null,
      contact: {
        name: required(kontakt, 'name', `${where}/kontaktperson`),
        email: required(kontakt, 'email_zentrale', `${where}/kontaktperson`),
        phone: optional(kontakt, 'tel_zentrale'),
      },
      photos,
    },
  };
}

function node(parent: Node, name: string, where = ''): Node {
  const child = parent[name];
  if (child === undefined)
    throw new Rejection(400, `Required element ${where ? `${where}/` : ''}${name} is missing`);
  // `<land iso_land="DEU"/>` parses to an object; `<wohnung/>` to "": both are present.
  return typeof child === 'object' && child !== null ? (child as Node) : {};
}

function required(parent: Node, name: string, where: string): string {
  const value = optional(parent, name);
  if (!value) throw new Rejection(400, `Required element ${where}/${name} is missing or empty`);
  return value;
}

function optional(parent: Node, name: string): string | null {
  const value = parent[name];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Node)['#text'] === 'string')
    return (value as Node)['#text'] as string;
  return null;
}

function attr(element: Node, name: string): string | null {
  const value = element[`@_${name}`];
  return typeof value === 'string' ? value : null;
}

function decimal(value: unknown, where: string): number | null {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number)) throw new Rejection(400, `${where}: "${String(value)}" is not a number`);
  return number;
}

function authorized(header: string | undefined, username: string, password: string): boolean {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${username}:${password}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
