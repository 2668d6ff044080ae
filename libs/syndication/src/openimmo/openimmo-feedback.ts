import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * An import report (`openimmo_feedback`, OpenImmo's feedback schema 1.2.5): what a portal writes
 * back after it processed a transfer — errors per object (`fehlerliste`), overall status lines,
 * and customer inquiries per object (`objekt/interessent`).
 */
export interface OpenImmoReport {
  /** The file it came from on the import server. */
  fileName: string;
  /** `sender/makler_id`: the provider number the portal knows us by. */
  providerId: string | null;
  errors: OpenImmoReportError[];
  status: { code: number | null; text: string | null }[];
  inquiries: OpenImmoReportInquiry[];
}

export interface OpenImmoReportError {
  /** `objekt_id`: our openimmo_obid (or objektnr_extern) of the object the error is about. */
  objectId: string | null;
  code: number | null;
  text: string | null;
}

export interface OpenImmoReportInquiry {
  /** `oobj_id`: our openimmo_obid. */
  objectId: string | null;
  /** `int_id`: the portal's id of the inquiry (what makes a redelivered report harmless). */
  inquiryId: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  message: string | null;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  // XML's own five entities only: documents with a DOCTYPE (where custom entities live) are refused.
  processEntities: true,
  isArray: (name) => ['objekt', 'interessent', 'fehlerliste', 'fehler', 'status'].includes(name),
});

type Node = Record<string, unknown>;

/**
 * The text of a report file by the charset it declares (XML 1.0 §4.3.3 and Appendix F: a byte-order
 * mark, else the `encoding` of the XML declaration, else UTF-8). German portals often write
 * ISO-8859-1; decoding that as UTF-8 would turn every umlaut into U+FFFD. Labels are WHATWG encoding
 * labels (TextDecoder; `iso-8859-1` decodes as windows-1252, its superset); an unknown label is read
 * as UTF-8 and the XML parser then judges the result.
 */
export function decodeReport(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  const declaration = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    data.subarray(0, 200).toString('latin1'),
  );
  const label = declaration?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(data);
  } catch {
    return data.toString('utf8');
  }
}

/** Parses one report; null when the file is not an `openimmo_feedback` document. */
export function parseOpenImmoReport(fileName: string, xml: string): OpenImmoReport | null {
  // A report is remote input: no DOCTYPE, so no entity definitions to expand (billion laughs).
  if (/<!DOCTYPE/i.test(xml)) return null;
  if (XMLValidator.validate(xml) !== true) return null;
  const root = (parser.parse(xml) as Node)['openimmo_feedback'] as Node | undefined;
  if (!root || typeof root !== 'object') return null;
  const sender = (root['sender'] as Node | undefined) ?? {};
  const errors = list(root['fehlerliste']).flatMap((fehlerliste) =>
    list(fehlerliste['fehler']).map((fehler) => ({
      objectId: str(fehler['objekt_id']),
      code: int(fehler['fehlernr']),
      text: str(fehler['text']),
    })),
  );
  const status = list(root['status']).map((s) => ({ code: int(s['statusnr']), text: str(s['text']) }));
  const inquiries = list(root['objekt']).flatMap((objekt) =>
    list(objekt['interessent']).map((person) => ({
      objectId: str(objekt['oobj_id']),
      inquiryId: str(person['int_id']),
      name:
        [str(person['vorname']), str(person['nachname'])].filter(Boolean).join(' ') ||
        str(person['firma']) ||
        '',
      email: str(person['email']),
      phone: str(person['tel']) ?? str(person['mobil']),
      message: str(person['anfrage']),
    })),
  );
  return { fileName, providerId: str(sender['makler_id']), errors, status, inquiries };
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value.filter((v): v is Node => !!v && typeof v === 'object') : [];
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function int(value: unknown): number | null {
  const text = str(value);
  return text !== null && /^-?\d+$/.test(text) ? Number(text) : null;
}
