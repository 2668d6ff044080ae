import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { DocumentError, DocumentErrorCode, tooLarge } from './documents.errors';

/** Room for the form fields and part headers around the file in a multipart body. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export interface IncomingFile {
  /** The form fields sent before the file. */
  fields: Record<string, string>;
  fileName: string;
  /** The file's bytes as they arrive; fails with 413 past the size limit. */
  stream: Readable;
  /** Settles when the whole request has been read: rejects if anything followed the file. */
  finished: Promise<void>;
  /** Stops reading the form and discards the rest of the request (after an error). */
  discard(): void;
}

/**
 * Reads a multipart/form-data request up to its `file` part and hands that over as a stream: nothing
 * is buffered beyond busboy's own chunks. As with S3's POST uploads, the fields must come before the
 * file; one file per request.
 */
export function receiveFile(req: Request, maxBytes: number): Promise<IncomingFile> {
  if (!req.is('multipart/form-data')) {
    throw new DocumentError(DocumentErrorCode.NotMultipart, 'Send the file as multipart/form-data');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + FORM_OVERHEAD_BYTES) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  return new Promise((resolve, reject) => {
    const form = busboy({
      headers: req.headers,
      // Browsers send file names as raw UTF-8, not in busboy's default latin1.
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 4096, parts: 25 },
    });
    const fields: Record<string, string> = {};
    let fileSeen = false;
    let fileStream: Readable | undefined;
    let problem: Error | undefined;
    let settleFinished: { resolve(): void; reject(err: Error): void } | undefined;
    const finished = new Promise<void>((res, rej) => (settleFinished = { resolve: res, reject: rej }));
    finished.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
    const discard = () => {
      req.unpipe(form);
      req.resume();
    };
    const fail = (err: Error) => {
      problem ??= err;
      if (!fileSeen) reject(err);
      settleFinished?.reject(err);
    };

    form.on('field', (name, value) => {
      if (fileSeen) fail(badForm(`The field "${name}" came after the file: send every field first`));
      else fields[name] = value;
    });
    form.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        fail(badForm(`Unexpected file field "${name}": send the file as "file"`));
        return;
      }
      fileSeen = true;
      fileStream = stream;
      stream.once('limit', () => stream.destroy(tooLarge(maxBytes)));
      resolve({ fields, fileName: info.filename ?? 'file', stream, finished, discard });
    });
    form.on('filesLimit', () => fail(badForm('Send one file per request')));
    form.on('fieldsLimit', () => fail(badForm('Too many form fields')));
    form.on('partsLimit', () => fail(badForm('Too many form parts')));
    form.on('error', (err: Error) => fail(badForm(`The form could not be read: ${err.message}`)));
    form.on('close', () => {
      if (!fileSeen) fail(badForm('The form has no "file" part'));
      else if (!problem) settleFinished?.resolve();
    });
    req.on('error', (err) => fail(err));
    req.once('close', () => {
      if (req.complete) return;
      const gone = clientGone();
      fail(gone);
      if (fileStream && !fileStream.readableEnded) fileStream.destroy(gone);
    });
    req.pipe(form);
  });
}

function badForm(message: string): DocumentError {
  return new DocumentError(DocumentErrorCode.BadForm, message);
}

function clientGone(): Error {
  return new Error('The client closed the connection before the body was complete');
}

/**
 * A request body whose client disconnects midway may simply stop, neither ending nor failing; this
 * fails the stream fed from it instead, so whatever is storing it gives up and cleans up.
 */
export function failWhenClientLeaves(req: Request, fedFromRequest: Readable): void {
  req.once('close', () => {
    if (!req.complete && !fedFromRequest.destroyed) fedFromRequest.destroy(clientGone());
  });
}
