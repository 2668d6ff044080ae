import { crc32, createDeflate, createDeflateRaw } from 'node:zlib';

/**
 * Small, valid files of the kinds the documents API accepts, built in code so tests need no binary
 * fixtures: a one-page PDF with a line of text, a DOCX, images, and plain zip archives.
 */

/** A one-page PDF whose text layer says `text` (Helvetica, WinAnsi: keep to Latin-1). */
export function samplePdf(text: string): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = Buffer.byteLength(pdf, 'latin1');
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A Word document with one paragraph per line of `text`. */
export function sampleDocx(text: string): Buffer {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraphs = text
    .split('\n')
    .map((line) => `<w:p><w:r><w:t xml:space="preserve">${escape(line)}</w:t></w:r></w:p>`)
    .join('');
  return zipArchive({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${paragraphs}</w:body></w:document>`,
  });
}

/** An OpenDocument text file (only what sniffing looks at: the leading, uncompressed mimetype entry). */
export function sampleOdt(): Buffer {
  return zipArchive({
    mimetype: 'application/vnd.oasis.opendocument.text',
    'content.xml': '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>',
  });
}

/** A 1×1 PNG. */
export function samplePng(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    'base64',
  );
}

/** JPEG magic (SOI + APP0 JFIF) followed by `size` filler bytes: enough for sniffing, not for viewers. */
export function sampleJpeg(size = 1024): Buffer {
  const header = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
  return Buffer.concat([header, Buffer.alloc(Math.max(0, size - header.length), 0x20)]);
}

/** A zip entry compressed ahead of time (deflate), with the CRC and size of what it inflates to. */
export interface DeflatedZipEntry {
  deflated: Buffer;
  crc: number;
  size: number;
}

/** A zip archive with the entries in the given order: strings and buffers stored, others deflated. */
export function zipArchive(entries: Record<string, string | Buffer | DeflatedZipEntry>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(entries)) {
    const stored = typeof value === 'string' || Buffer.isBuffer(value);
    const data = stored ? Buffer.from(value) : value.deflated;
    const crc = stored ? crc32(data) : value.crc;
    const size = stored ? data.length : value.size;
    const method = stored ? 0 : 8;
    const fileName = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Deflates `pattern` repeated to `totalBytes` (raw deflate for zip entries, zlib for PDF streams)
 * without ever holding the inflated bytes: the compressed result is about a thousandth of the size.
 */
async function deflateRepeated(
  prefix: Buffer,
  pattern: Buffer,
  totalBytes: number,
  format: 'raw' | 'zlib',
): Promise<DeflatedZipEntry> {
  const deflate = format === 'raw' ? createDeflateRaw({ level: 9 }) : createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  const block = Buffer.concat(
    Array.from({ length: Math.max(1, Math.floor(65536 / pattern.length)) }, () => pattern),
  );
  let crc = crc32(prefix);
  let size = prefix.length;
  deflate.write(prefix);
  while (size < totalBytes) {
    const piece = block.subarray(0, Math.min(block.length, totalBytes - size));
    crc = crc32(piece, crc);
    size += piece.length;
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return { deflated: Buffer.concat(out), crc, size };
}

/**
 * A zip bomb dressed as a Word document: a few MB whose document.xml inflates to `inflatedBytes` of
 * paragraphs (default 1 GB) — more than any sane extractor should hold.
 */
export async function zipBombDocx(inflatedBytes = 1024 * 1024 * 1024): Promise<Buffer> {
  const head =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const body = await deflateRepeated(
    Buffer.from(head),
    Buffer.from('<w:p><w:r><w:t>bomb</w:t></w:r></w:p>'),
    inflatedBytes,
    'raw',
  );
  return zipArchive({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml': body,
  });
}

/** A PDF of hand-written objects (bodies as given), with a correct cross-reference table. */
function pdfOf(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let length = parts[0].length;
  const offsets = objects.map((body, i) => {
    const offset = length;
    const piece = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(piece);
    length += piece.length;
    return offset;
  });
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  tail += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  tail += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
}

/** A one-page PDF whose content stream is an array nested `depth` deep: recursive parsers overflow. */
export function deeplyNestedPdf(depth = 500_000): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td ${'['.repeat(depth)}${']'.repeat(depth)} TJ ET`;
  return pdfOf([
    `<< /Type /Catalog /Pages 2 0 R /Nested ${'['.repeat(depth)}${']'.repeat(depth)} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ]);
}

/** A one-page PDF whose content stream is a flate bomb: a few MB that inflate to `inflatedBytes` (1 GB). */
export async function inflatingPdf(inflatedBytes = 1024 * 1024 * 1024): Promise<Buffer> {
  const stream = await deflateRepeated(
    Buffer.alloc(0),
    Buffer.from('BT /F1 18 Tf 72 720 Td (bomb) Tj ET\n'),
    inflatedBytes,
    'zlib',
  );
  return pdfOf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    Buffer.concat([
      Buffer.from(`<< /Length ${stream.deflated.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
      stream.deflated,
      Buffer.from('\nendstream', 'latin1'),
    ]),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ]);
}
