import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson } from './fake-llm-common';

/**
 * A local stand-in for OpenAI's embeddings endpoint, `POST /v1/embeddings`, following the API
 * reference (https://platform.openai.com/docs/api-reference/embeddings/create and the object it
 * returns, https://platform.openai.com/docs/api-reference/embeddings/object):
 * - `input`: a string or an array of strings (token arrays are accepted and treated as text); an
 *   empty string or array, more than 2048 inputs, or a missing `model` is a 400
 *   `invalid_request_error` (error object as in https://platform.openai.com/docs/guides/error-codes);
 * - `encoding_format`: `float` (default) or `base64` — the base64 of the little-endian float32 array,
 *   which the official SDK (openai-node, `src/resources/embeddings.ts`) requests by default and decodes;
 * - `dimensions`: the length of each vector (default 1536, text-embedding-3-small's);
 * - answer `{object:'list', data:[{object:'embedding', index, embedding}], model, usage}` with
 *   `usage.prompt_tokens` = `usage.total_tokens`;
 * - a request without `Authorization: Bearer …` (or, given `apiKeys`, with a key not among them) is a
 *   401 (https://platform.openai.com/docs/api-reference/authentication).
 *
 * Vectors are deterministic: a hashed bag of words (and, lighter, of character trigrams), folded to
 * lower case without diacritics and L2-normalised, so texts sharing words are near each other.
 */
export const DEFAULT_FAKE_EMBEDDING_DIMENSIONS = 1536;
const MAX_INPUTS = 2048;

export interface EmbeddingsHandlerOptions {
  /** Called with each accepted request body (tests count calls or inspect what was sent). */
  onRequest?: (body: EmbeddingsRequest) => void;
  /** Keys accepted in `Authorization: Bearer` (the chat server's); any key when absent. */
  apiKeys?: ReadonlySet<string>;
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

/** Lower case, no diacritics, words of letters and digits. */
export function embeddingTokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1);
}

function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The deterministic vector of a text (what the fake server answers for it). */
export function fakeEmbedding(text: string, dimensions = DEFAULT_FAKE_EMBEDDING_DIMENSIONS): Float32Array {
  const v = new Float32Array(dimensions);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    v[h % dimensions] += (h & 0x80000000 ? -1 : 1) * weight;
  };
  for (const word of embeddingTokens(text)) {
    add(`w:${word}`, 1);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.25);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    v[fnv1a(text) % dimensions] = 1;
  } else {
    for (let i = 0; i < dimensions; i++) v[i] /= norm;
  }
  return v;
}

/** base64 of the little-endian float32 bytes (what `encoding_format: 'base64'` asks for). */
export function float32ToBase64(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) bytes.writeFloatLE(v[i], i * 4);
  return bytes.toString('base64');
}

function fail(
  res: ServerResponse,
  status: number,
  message: string,
  param: string | null,
  type: string,
): void {
  sendJson(res, status, { error: { message, type, param, code: null } });
}

/**
 * Handles `POST /v1/embeddings` (any prefix ending in `/embeddings`); answers false without touching
 * the response for any other request, so a server can try it before its own routes.
 */
export function openAIEmbeddingsHandler(
  options: EmbeddingsHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || !path.endsWith('/embeddings')) return false;
    const key = /^Bearer (\S+)/.exec(req.headers.authorization ?? '')?.[1];
    if (!key) {
      fail(res, 401, 'You did not provide an API key.', null, 'invalid_request_error');
      return true;
    }
    if (options.apiKeys && !options.apiKeys.has(key)) {
      sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
      return true;
    }
    const body = (await readJson(req)) as EmbeddingsRequest | null;
    if (!body) {
      fail(res, 400, 'We could not parse the JSON body of your request.', null, 'invalid_request_error');
      return true;
    }
    if (typeof body?.model !== 'string' || body.model === '') {
      fail(res, 400, 'you must provide a model parameter', 'model', 'invalid_request_error');
      return true;
    }
    const inputs = normaliseInput(body.input);
    if (!inputs) {
      fail(
        res,
        400,
        "'$.input' is invalid: a non-empty string or array of strings",
        'input',
        'invalid_request_error',
      );
      return true;
    }
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') {
      fail(
        res,
        400,
        "encoding_format must be 'float' or 'base64'",
        'encoding_format',
        'invalid_request_error',
      );
      return true;
    }
    const dimensions = body.dimensions ?? DEFAULT_FAKE_EMBEDDING_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 3072) {
      fail(res, 400, 'dimensions must be an integer from 1 to 3072', 'dimensions', 'invalid_request_error');
      return true;
    }
    options.onRequest?.(body);
    let tokens = 0;
    const data = inputs.map((text, index) => {
      tokens += Math.max(1, embeddingTokens(text).length);
      const vector = fakeEmbedding(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: format === 'base64' ? float32ToBase64(vector) : Array.from(vector),
      };
    });
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    return true;
  };
}

function normaliseInput(input: unknown): string[] | null {
  const one = (x: unknown): string | null => {
    if (typeof x === 'string') return x === '' ? null : x;
    // A token array: the fake has no tokenizer, so the ids stand for words.
    if (Array.isArray(x) && x.length > 0 && x.every((n) => Number.isInteger(n))) return x.join(' ');
    return null;
  };
  if (typeof input === 'string') return input === '' ? null : [input];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return null;
  if (input.every((n) => Number.isInteger(n))) return [input.join(' ')];
  const texts = input.map(one);
  return texts.every((t): t is string => t !== null) ? texts : null;
}
