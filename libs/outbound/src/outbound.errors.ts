export type OutboundErrorCode =
  /** The URL's host resolved to (or is) an address the policy refuses. */
  | 'OUTBOUND_ADDRESS_REFUSED'
  /** The peer answered with a redirect; redirects are never followed. */
  | 'OUTBOUND_REDIRECT'
  /** The response body grew past the cap; the transfer was aborted. */
  | 'OUTBOUND_RESPONSE_TOO_LARGE'
  /** Not an http(s) URL, or plain http to a host that is not allow-listed. */
  | 'OUTBOUND_URL_REFUSED';

/**
 * A request the guarded agent refused or cut off. The message is ours, short and safe to show a
 * user (it never carries anything the remote end sent).
 */
export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/** The OutboundError behind a failed request, if any (undici and node:net wrap what a lookup throws). */
export function outboundErrorIn(err: unknown): OutboundError | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof OutboundError) return e;
  return undefined;
}
