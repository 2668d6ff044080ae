import type { Request, Response } from 'express';
import type { IdentityEnv } from '../identity.env';
import { QueueBoardError, QueueBoardErrorCode } from './queue-board.errors';

export const OPERATOR_COOKIE = 'ppt_operator';
/** The names Bull Board's UI (axios) reads and echoes as X-XSRF-TOKEN on same-origin requests. */
export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';
/** Both cookies are sent to the operator pages only, never to /api/v1. */
const COOKIE_PATH = '/admin';

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Secure always in production; elsewhere only over https, so a developer can sign in over plain
 * http on localhost (a browser drops a Secure cookie set over http).
 */
function baseOptions(req: Request, env: IdentityEnv) {
  return {
    path: COOKIE_PATH,
    sameSite: 'strict' as const,
    secure: env.NODE_ENV === 'production' || req.secure,
  };
}

export function setOperatorCookies(
  req: Request,
  res: Response,
  env: IdentityEnv,
  sessionId: string,
  csrfToken: string,
): void {
  const options = baseOptions(req, env);
  res.cookie(OPERATOR_COOKIE, sessionId, { ...options, httpOnly: true });
  // Readable by the board's script on purpose: it is a synchronizer token, only useful with the session.
  res.cookie(CSRF_COOKIE, csrfToken, { ...options, httpOnly: false });
}

export function clearOperatorCookies(req: Request, res: Response, env: IdentityEnv): void {
  const options = baseOptions(req, env);
  res.clearCookie(OPERATOR_COOKIE, { ...options, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, options);
}

/**
 * The operator pages' referrer policy. Helmet's default (no-referrer) makes a browser send
 * `Origin: null` on same-origin form posts and XHR PUTs, which the same-origin check cannot accept.
 */
export const OPERATOR_REFERRER_POLICY = 'same-origin';

/**
 * Refuses a request a browser marked as coming from anywhere but this origin: Sec-Fetch-Site (set by
 * the browser, not by page script) when present, else the Origin header against this host. Requests
 * with neither (curl, scripts) carry no ambient browser credentials to abuse and are judged by the
 * CSRF token alone.
 */
export function assertSameOrigin(req: Request): void {
  const fetchSite = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  let sameOrigin = true;
  if (fetchSite !== undefined) {
    sameOrigin = fetchSite === 'same-origin' || fetchSite === 'none';
  } else if (origin !== undefined) {
    try {
      sameOrigin = new URL(origin).host === req.headers.host;
    } catch {
      sameOrigin = false; // "null": an opaque origin (sandboxed frame, data: URL) is never ours
    }
  }
  if (!sameOrigin) {
    throw new QueueBoardError(QueueBoardErrorCode.CsrfRejected, 'Cross-site request refused');
  }
}
