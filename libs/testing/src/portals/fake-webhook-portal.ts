import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWebhookPortal {
  url: string;
  /** Listings the receiver holds, by our listing id (the latest published body). */
  listings: Map<string, Record<string, unknown>>;
  /** Every accepted delivery (duplicates by webhook-id are acknowledged but not applied again). */
  deliveries: { id: string; type: string; duplicate: boolean }[];
  /** Requests refused for a bad or missing signature. */
  rejected: number;
  /** Requests received and not yet answered (a slow portal holds them for `latencyMs`). */
  open: number;
  /** The most requests it ever held open at once. */
  maxOpen: number;
  /** The receiver's secrets (it verifies with any of them); change them to test rotation. */
  secrets: string[];
  /** The list endpoint (GET, our reconciliation contract in docs/syndication.md). */
  listUrl: string;
  /** Signed list requests answered (each page is one). */
  listRequests: number;
  failNext(count: number, status: number, body?: string): void;
  alwaysFail(status: number | null, body?: string): void;
  close(): Promise<void>;
}

/**
 * A portal that takes Standard Webhooks pushes on loopback. It checks signatures with its own code,
 * written from the spec (HMAC-SHA256 of "id.timestamp.body" keyed by the base64 secret), not with
 * the library the sender uses, so a sender bug cannot hide behind a matching receiver bug.
 */
export async function startFakeWebhookPortal(
  secrets: string[],
  options: { latencyMs?: number; listPageSize?: number } = {},
): Promise<FakeWebhookPortal> {
  const state: FakeWebhookPortal = {
    url: '',
    listUrl: '',
    listRequests: 0,
    listings: new Map(),
    deliveries: [],
    rejected: 0,
    open: 0,
    maxOpen: 0,
    secrets,
    failNext: (count, status, body = '') => {
      failing = { count, status, body };
    },
    alwaysFail: (status, body = '') => {
      always = status === null ? null : { status, body };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  let failing = { count: 0, status: 500, body: '' };
  let always: { status: number; body: string } | null = null;
  const seen = new Set<string>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    res.on('close', () => state.open--);
    req.on('end', () => {
      setTimeout(() => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (always || failing.count > 0) {
          const f = always ?? failing;
          if (!always) failing.count--;
          res.writeHead(f.status, { 'content-type': 'application/json' }).end(f.body);
          return;
        }
        const id = String(req.headers['webhook-id'] ?? '');
        const timestamp = String(req.headers['webhook-timestamp'] ?? '');
        const signatures = String(req.headers['webhook-signature'] ?? '').split(' ');
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
        if (
          !id ||
          !fresh ||
          !state.secrets.some((s) => signatures.some((sig) => matches(s, id, timestamp, body, sig)))
        ) {
          state.rejected++;
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
          return;
        }
        if (req.method === 'GET') {
          // The list endpoint: our listing ids in a stable order, `listPageSize` per page, the next
          // page named by an opaque cursor (here the offset, base64url).
          state.listRequests++;
          const url = new URL(req.url ?? '/', 'http://fake');
          const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || 0);
          const size = options.listPageSize ?? 50;
          const all = [...state.listings.keys()].sort();
          const items = all.slice(offset, offset + size).map((id) => ({
            id,
            externalId: `wh-${id}`,
            priceAmount: state.listings.get(id)?.['priceAmount'] ?? null,
          }));
          const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString('base64url') : null;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, nextCursor: next }));
          return;
        }
        const event = JSON.parse(body) as { type: string; data: Record<string, unknown> & { id: string } };
        const duplicate = seen.has(id);
        seen.add(id);
        state.deliveries.push({ id, type: event.type, duplicate });
        if (!duplicate) {
          if (event.type === 'listing.published') state.listings.set(event.data.id, event.data);
          if (event.type === 'listing.removed') state.listings.delete(event.data.id);
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: `wh-${event.data.id}`, url: `https://portal.example/${event.data.id}` }));
      }, options.latencyMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/listings`;
  state.listUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/adverts`;
  return state;
}

function matches(secret: string, id: string, timestamp: string, body: string, signature: string): boolean {
  const [version, value] = signature.split(',');
  if (version !== 'v1' || !value) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const given = Buffer.from(value, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
