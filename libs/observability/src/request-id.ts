import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: string };

/**
 * Keeps a well-formed incoming X-Request-Id (so a trace crosses services), otherwise makes one, and
 * echoes it on the response. Runs first, so even body-parser errors carry the id.
 */
export function requestIdMiddleware(req: WithId, res: ServerResponse, next: () => void): void {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  req.id = candidate && ACCEPTED_ID.test(candidate) ? candidate : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
}

export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as WithId).id;
}
