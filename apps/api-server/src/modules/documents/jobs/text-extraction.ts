import { Worker } from 'node:worker_threads';
import { DOCUMENT_TYPES } from '../content-type';

/** Longest text kept per document (characters): enough for search and the assistant, bounded for the row. */
export const MAX_TEXT_CHARS = 2_000_000;

/**
 * Runs in a worker thread, as plain CommonJS: pdf.js loads its parser with a dynamic import (which
 * needs a real Node module loader) and is CPU-bound, so a thread keeps the worker's event loop — and
 * Bull's lock renewals — responsive, and lets a runaway file be stopped.
 */
const EXTRACTOR_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
async function extract({ kind, bytes }) {
  if (kind === 'pdf') {
    const { PDFParse } = require('pdf-parse');
    const parser = new PDFParse({ data: bytes });
    try {
      return (await parser.getText({ pageJoiner: '' })).text;
    } finally {
      await parser.destroy();
    }
  }
  const mammoth = require('mammoth');
  return (await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
}
extract(workerData).then(
  (text) => parentPort.postMessage({ text }),
  (err) => parentPort.postMessage({ error: String((err && err.message) || err) }),
);
`;

export class TextExtractionError extends Error {}

/** Plain text of a PDF, DOCX or UTF-8 text file; null for other types. */
export async function extractText(
  contentType: string,
  bytes: Buffer,
  timeoutMs: number,
): Promise<string | null> {
  if (contentType === DOCUMENT_TYPES.text) return tidy(bytes.toString('utf8'));
  const kind =
    contentType === DOCUMENT_TYPES.pdf ? 'pdf' : contentType === DOCUMENT_TYPES.docx ? 'docx' : null;
  if (!kind) return null;
  const worker = new Worker(EXTRACTOR_SOURCE, {
    eval: true,
    workerData: { kind, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  try {
    const answer = await new Promise<{ text?: string; error?: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TextExtractionError(`gave up after ${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.once('message', (message) => (clearTimeout(timer), resolve(message)));
      worker.once('error', (err) => (clearTimeout(timer), reject(new TextExtractionError(err.message))));
      worker.once(
        'exit',
        (code) => (clearTimeout(timer), reject(new TextExtractionError(`worker exited (${code})`))),
      );
    });
    if (answer.error !== undefined) throw new TextExtractionError(answer.error);
    return tidy(answer.text ?? '');
  } finally {
    await worker.terminate();
  }
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
