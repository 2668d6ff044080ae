/**
 * The file types documents may have, recognised from the bytes (never from the client's name or
 * Content-Type): PDF, JPEG/PNG/WebP/GIF, Office Open XML (DOCX/XLSX/PPTX) and OpenDocument text
 * (zip containers, recognised by what they contain) and plain UTF-8 text.
 */
export const DOCUMENT_TYPES = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  text: 'text/plain',
} as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[keyof typeof DOCUMENT_TYPES];
export const ALLOWED_CONTENT_TYPES: readonly string[] = Object.values(DOCUMENT_TYPES);
export const IMAGE_TYPES: readonly string[] = [
  DOCUMENT_TYPES.jpeg,
  DOCUMENT_TYPES.png,
  DOCUMENT_TYPES.webp,
  DOCUMENT_TYPES.gif,
];

/** How many leading bytes sniffing looks at (zip containers name their parts early). */
export const SNIFF_BYTES = 64 * 1024;

const ZIP_LOCAL_HEADER = 0x04034b50;
const OOXML_FOLDERS: [string, DocumentType][] = [
  ['word/', DOCUMENT_TYPES.docx],
  ['xl/', DOCUMENT_TYPES.xlsx],
  ['ppt/', DOCUMENT_TYPES.pptx],
];

/**
 * The type of a file from its first bytes (`complete`: `head` is the whole file), or null when it is
 * none of the allowed types. A text verdict covers only the head: the rest must be checked as it
 * streams (TextCheck).
 */
export function sniffContentType(head: Buffer, complete: boolean): DocumentType | null {
  if (head.length === 0) return null;
  const ascii = head.subarray(0, 16).toString('latin1');
  if (ascii.startsWith('%PDF-')) return DOCUMENT_TYPES.pdf;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return DOCUMENT_TYPES.jpeg;
  if (ascii.startsWith('\x89PNG\r\n\x1a\n')) return DOCUMENT_TYPES.png;
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return DOCUMENT_TYPES.gif;
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return DOCUMENT_TYPES.webp;
  if (head.length >= 4 && head.readUInt32LE(0) === ZIP_LOCAL_HEADER) return sniffZip(head);
  return isUtf8Text(head, complete) ? DOCUMENT_TYPES.text : null;
}

/** Office formats are zip files: OpenDocument starts with an uncompressed `mimetype` entry, OOXML keeps its parts under word/, xl/ or ppt/. */
function sniffZip(head: Buffer): DocumentType | null {
  for (const entry of zipEntries(head)) {
    if (entry.index === 0 && entry.name === 'mimetype' && entry.stored) {
      return entry.data.toString('latin1') === DOCUMENT_TYPES.odt ? DOCUMENT_TYPES.odt : null;
    }
    const ooxml = OOXML_FOLDERS.find(([folder]) => entry.name.startsWith(folder));
    if (ooxml) return ooxml[1];
  }
  return null;
}

interface ZipEntry {
  index: number;
  name: string;
  stored: boolean;
  data: Buffer;
}

/** Local file headers found in `head`, in order (entries written with a data descriptor are skipped by searching). */
function* zipEntries(head: Buffer): Generator<ZipEntry> {
  let at = 0;
  for (let index = 0; at + 30 <= head.length && head.readUInt32LE(at) === ZIP_LOCAL_HEADER; index++) {
    const flags = head.readUInt16LE(at + 6);
    const method = head.readUInt16LE(at + 8);
    const compressedSize = head.readUInt32LE(at + 18);
    const nameEnd = at + 30 + head.readUInt16LE(at + 26);
    const dataStart = nameEnd + head.readUInt16LE(at + 28);
    if (nameEnd > head.length) return;
    const name = head.subarray(at + 30, nameEnd).toString('utf8');
    const data = head.subarray(dataStart, Math.min(head.length, dataStart + compressedSize));
    yield { index, name, stored: method === 0, data };
    const sizeUnknown = (flags & 0x08) !== 0 && compressedSize === 0;
    at = sizeUnknown ? head.indexOf('PK\x03\x04', dataStart, 'latin1') : dataStart + compressedSize;
    if (at < 0) return;
  }
}

function isUtf8Text(head: Buffer, complete: boolean): boolean {
  const check = new TextCheck();
  try {
    check.push(head);
    if (complete) check.end();
    return true;
  } catch {
    return false;
  }
}

export class NotTextError extends Error {}

/** Valid UTF-8 without NUL bytes, checked chunk by chunk (a character may span two chunks). */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  push(chunk: Buffer): void {
    if (chunk.includes(0)) throw new NotTextError('The text contains NUL bytes');
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new NotTextError('The text is not valid UTF-8');
    }
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw new NotTextError('The text ends inside a UTF-8 character');
    }
  }
}
