import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

/**
 * js-tiktoken (a dependency of @langchain/textsplitters and @langchain/core) declares ESM-only types;
 * its CommonJS build, with the ranks bundled, is what loads here.
 */
interface Encoder {
  encode(text: string): number[];
}
function cl100kEncoder(): Encoder {
  const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: new (ranks: unknown) => Encoder };
  return new Tiktoken(require('js-tiktoken/ranks/cl100k_base'));
}

/**
 * What JavaScript's String.prototype.trim() strips (WhiteSpace and LineTerminator of ECMA-262: the
 * Unicode space separators, NBSP, BOM, …): chunkText trims with it, and the backfill's SQL uses the
 * same set (btrim) to tell a text that yields no chunk, so it never picks one again and again.
 */
export const TRIMMED_WHITESPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** One piece of a document's text as stored and searched. */
export interface TextChunk {
  index: number;
  /** 1-based page of a PDF (its text ends each page with a form feed); null when unknown. */
  page: number | null;
  text: string;
}

export interface ChunkingOptions {
  chunkTokens: number;
  overlapTokens: number;
}

let encoder: Encoder | undefined;
/**
 * Tokens as OpenAI's embedding models count them (cl100k_base), from the ranks bundled with
 * js-tiktoken: LangChain's TokenTextSplitter would download them at run time.
 */
export function countTokens(text: string): number {
  encoder ??= cl100kEncoder();
  return encoder.encode(text).length;
}

/**
 * Splits text into overlapping chunks of at most `chunkTokens` tokens, preferring paragraph, line
 * and sentence boundaries (LangChain's recursive splitter measuring in tokens). Pages are split
 * separately so that every chunk has one page; `paged` says whether form feeds mark the pages.
 */
export async function chunkText(
  text: string,
  paged: boolean,
  options: ChunkingOptions,
): Promise<TextChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.chunkTokens,
    chunkOverlap: Math.min(options.overlapTokens, Math.floor(options.chunkTokens / 2)),
    lengthFunction: countTokens,
    separators: ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ', ''],
  });
  const pages = paged ? text.split('\f') : [text];
  const chunks: TextChunk[] = [];
  for (let p = 0; p < pages.length; p++) {
    const pageText = pages[p].trim();
    if (!pageText) continue;
    for (const piece of await splitter.splitText(pageText)) {
      const trimmed = piece.trim();
      if (trimmed) chunks.push({ index: chunks.length, page: paged ? p + 1 : null, text: trimmed });
    }
  }
  return chunks;
}

/** A language we can tell apart, and the PostgreSQL text search configuration used for it. */
export type DocumentLanguage = 'cs' | 'sk' | 'de' | 'en' | 'und';
export type TsConfig = 'simple' | 'english' | 'german';

/**
 * Czech and Slovak have no configuration in PostgreSQL (no stemmer ships with it): their words are
 * indexed unstemmed but folded (no diacritics), and prefix matching stands in for stemming.
 */
export const TS_CONFIG: Record<DocumentLanguage, TsConfig> = {
  cs: 'simple',
  sk: 'simple',
  de: 'german',
  en: 'english',
  und: 'simple',
};
export const TS_CONFIGS: readonly TsConfig[] = ['simple', 'english', 'german'];

/** Frequent short words, distinctive per language (function words, not topic words). */
const STOPWORDS: Record<Exclude<DocumentLanguage, 'und'>, readonly string[]> = {
  en: [
    'the',
    'and',
    'of',
    'to',
    'is',
    'in',
    'that',
    'for',
    'with',
    'are',
    'this',
    'be',
    'on',
    'or',
    'by',
    'shall',
  ],
  de: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'nicht',
    'mit',
    'den',
    'für',
    'von',
    'zu',
    'ein',
    'eine',
    'auf',
    'dem',
    'wird',
  ],
  cs: [
    'a',
    'je',
    'se',
    'na',
    'že',
    'to',
    'jsou',
    'pro',
    'nebo',
    'také',
    'být',
    'jako',
    'které',
    'který',
    'podle',
    'není',
  ],
  sk: [
    'a',
    'je',
    'sa',
    'na',
    'že',
    'to',
    'sú',
    'pre',
    'alebo',
    'tiež',
    'byť',
    'ako',
    'ktoré',
    'ktorý',
    'podľa',
    'nie',
  ],
};

/**
 * The language of a text by its most frequent function words (looking at its first 20,000
 * characters); 'und' when too few are found to tell.
 */
export function detectLanguage(text: string): DocumentLanguage {
  const words = text
    .slice(0, 20_000)
    .toLowerCase()
    .split(/[^\p{L}]+/u);
  const counts = new Map<string, number>();
  for (const w of words) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  let best: DocumentLanguage = 'und';
  let bestScore = 0;
  for (const [lang, list] of Object.entries(STOPWORDS) as [
    Exclude<DocumentLanguage, 'und'>,
    readonly string[],
  ][]) {
    const score = list.reduce((sum, w) => sum + (counts.get(w) ?? 0), 0);
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return bestScore >= 3 ? best : 'und';
}
