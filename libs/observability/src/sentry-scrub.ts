/**
 * What never leaves the process in an error report (issue #22, item 7): passwords, tokens, secrets,
 * cookies, authorization headers, e-mail addresses and document contents. Used as Sentry's
 * `beforeSend` (https://docs.sentry.io/platforms/javascript/guides/nestjs/configuration/filtering/):
 * it receives the whole event and returns what is sent.
 */
const SECRET_KEY =
  /pass(word|phrase)?|token|secret|authori[sz]ation|cookie|api[-_]?key|credential|signature|content|body|^data$|text/i;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** The user-info part of a URL (`postgres://user:password@host`): drivers quote it in their errors. */
const URL_CREDENTIALS = /\/\/[^\s/@]*@/g;
const SCRUBBED = '[scrubbed]';
const MAX_DEPTH = 12;

/** A string with URL credentials, e-mail addresses and credentials in Authorization-style values replaced. */
export function scrubText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `//${SCRUBBED}@`)
    .replace(EMAIL, '[email]')
    .replace(BEARER, `$1 ${SCRUBBED}`);
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined ? SCRUBBED : scrubValue(v, depth + 1);
  }
  return out;
}

interface ScrubbableEvent {
  request?: { headers?: Record<string, string>; cookies?: unknown; data?: unknown; query_string?: unknown };
  user?: { id?: string | number; [key: string]: unknown };
  [key: string]: unknown;
}

/** Sentry's `beforeSend`: the event without secrets and personal data (the user keeps only the id). */
export function scrubSentryEvent<E extends object>(event: E): E {
  const { request, user, ...rest } = event as ScrubbableEvent;
  const scrubbed = scrubValue(rest, 0) as ScrubbableEvent;
  if (user) scrubbed.user = user.id === undefined ? {} : { id: user.id };
  if (request) {
    const { cookies: _cookies, data: _data, query_string, headers, ...other } = request;
    scrubbed.request = {
      ...(scrubValue(other, 0) as object),
      ...(headers ? { headers: scrubValue(headers, 0) as Record<string, string> } : {}),
      ...(query_string ? { query_string: SCRUBBED } : {}),
      ...(_data !== undefined ? { data: SCRUBBED } : {}),
    };
  }
  return scrubbed as E;
}
