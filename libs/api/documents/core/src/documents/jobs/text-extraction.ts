import { DOCUMENT_TYPES } from '../content-type';
import { runSandboxed } from './sandbox';

/** Longest text kept per document (characters): enough for search and the assistant, bounded for the row. */
export const MAX_TEXT_CHARS = 2_000_000;

/**
 * Runs in a child process (runSandboxed), as plain CommonJS: pdf.js loads its parser with a dynamic
 * import (which needs a real Node module loader). The file comes on stdin, the text (already capped)
 * goes to stdout as JSON. A hostile file — a zip bomb in a DOCX, a PDF whose streams inflate to
 * gigabytes or whose objects nest without end — can only exhaust this process.
 */
const EXTRACTOR_SOURCE = `
const MAX = ${MAX_TEXT_CHARS};
async function extract(kind, bytes) {
  if (kind === 'pdf') {
    const { PDFParse } = require('pdf-parse');
    const parser = new PDFParse({ data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    try {
      // A form feed ends each page (as pdftotext does): document search keeps page numbers by it.
      return (await parser.getText({ pageJoiner: '\\f' })).text;
    } finally {
      await parser.destroy();
    }
  }
  const mammoth = require('mammoth');
  return (await mammoth.extractRawText({ buffer: bytes })).value;
}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  extract(KIND, Buffer.concat(chunks)).then(
    (text) => process.stdout.write(JSON.stringify({ text: String(text).slice(0, MAX * 2) })),
    (err) => process.stdout.write(JSON.stringify({ error: String((err && err.message) || err).slice(0, 300) })),
  );
});
`;

export interface TextExtractionLimits {
  timeoutMs: number;
  memoryMb: number;
}

export class TextExtractionError extends Error {}

/** Plain text of a PDF, DOCX or UTF-8 text file; null for other types. Throws TextExtractionError. */
export async function extractText(
  contentType: string,
  bytes: Buffer,
  limits: TextExtractionLimits,
): Promise<string | null> {
  if (contentType === DOCUMENT_TYPES.text) return tidy(bytes.toString('utf8'));
  const kind =
    contentType === DOCUMENT_TYPES.pdf ? 'pdf' : contentType === DOCUMENT_TYPES.docx ? 'docx' : null;
  if (!kind) return null;
  const outcome = await runSandboxed(`const KIND = ${JSON.stringify(kind)};${EXTRACTOR_SOURCE}`, bytes, {
    ...limits,
    // JSON of at most twice MAX_TEXT_CHARS characters, each at most 6 bytes escaped.
    maxOutputBytes: MAX_TEXT_CHARS * 2 * 6 + 1024,
  });
  if (outcome.kind === 'failed') throw new TextExtractionError(outcome.reason);
  let answer: { text?: string; error?: string };
  try {
    answer = JSON.parse(outcome.stdout.toString('utf8')) as typeof answer;
  } catch {
    throw new TextExtractionError('the extractor gave no answer');
  }
  if (answer.error !== undefined) throw new TextExtractionError(answer.error);
  return tidy(answer.text ?? '');
}

/** Trims runs of blank lines and NULs (PostgreSQL text cannot hold them) and caps the length. */
function tidy(text: string): string {
  return text
    .replace(/\0/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_TEXT_CHARS);
}
