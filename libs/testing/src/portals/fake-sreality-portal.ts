import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import xmlrpc from 'xmlrpc';

/** One advert as the fake portal stores it. */
export interface FakeSrealityAdvert {
  advertId: number;
  clientId: number;
  data: Record<string, unknown>;
  photos: { photoId: number; rkid: string; main: boolean; bytes: number }[];
}

export interface FakeSrealityPortal {
  /** The XML-RPC endpoint (…/RPC2). */
  url: string;
  adverts: Map<string, FakeSrealityAdvert>;
  sellers: Map<string, { sellerId: number; data: Record<string, unknown> }>;
  /** Every method called, in order (getHash, login, addAdvert…). */
  calls: string[];
  /** The next `count` calls (of `method`, if given) answer with this status (e.g. 500, 451) instead of doing anything. */
  failNext(count: number, status: number, message?: string, method?: string): void;
  /** Every call answers with this status until set back to null. */
  alwaysFail(status: number | null, message?: string): void;
  /** The next `count` HTTP requests get a bare HTTP error (the portal's front end is down). */
  httpFailNext(count: number, httpStatus?: number): void;
  /** Adds an advert behind our back (reconciliation tests). */
  seed(clientId: number, rkid: string, data: Record<string, unknown>): FakeSrealityAdvert;
  close(): Promise<void>;
}

type Answer = { status: number; statusMessage: string; output?: Record<string, unknown>[] };
const ok = (output?: Record<string, unknown>[]): Answer => ({
  status: 200,
  statusMessage: 'OK',
  ...(output ? { output } : {}),
});
const REQUIRED = [
  'advert_function',
  'advert_type',
  'advert_subtype',
  'advert_price',
  'advert_price_currency',
  'advert_price_unit',
  'description',
  'locality_city',
];

/**
 * A Sreality-style XML-RPC import server on loopback: real XML-RPC over HTTP, the rotating md5
 * session ids, upserts by advert_rkid/photo_rkid/seller_rkid, and scripted failures.
 */
export async function startFakeSrealityPortal(
  accounts: {
    clientId: number;
    password: string;
    softwareKey: string;
  }[],
  options: { latencyMs?: number } = {},
): Promise<FakeSrealityPortal> {
  const server = xmlrpc.createServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.httpServer.once('listening', () => resolve()));

  const adverts = new Map<string, FakeSrealityAdvert>();
  const sellers = new Map<string, { sellerId: number; data: Record<string, unknown> }>();
  const calls: string[] = [];
  /** session fixed part → { client, the id the next call must carry }. */
  const sessions = new Map<string, { clientId: number; expected: string; loggedIn: boolean }>();
  let nextId = 1000;
  let failing: { count: number; status: number; message: string; method?: string } | null = null;
  let always: { status: number; message: string } | null = null;
  let httpFailing = { count: 0, status: 503 };

  const account = (clientId: number) => accounts.find((a) => a.clientId === clientId);
  const nextSessionId = (current: string, clientId: number) => {
    const a = account(clientId)!;
    return current.slice(0, 48) + md5(current + md5(a.password) + a.softwareKey);
  };

  /** Checks and advances the rotating session id; returns the client or an error answer. */
  const authenticate = (sessionId: unknown, allowBeforeLogin = false): number | Answer => {
    if (typeof sessionId !== 'string') return { status: 401, statusMessage: 'Missing session' };
    const session = sessions.get(sessionId.slice(0, 48));
    if (!session || session.expected !== sessionId)
      return { status: 407, statusMessage: 'Session expired or invalid' };
    if (!session.loggedIn && !allowBeforeLogin) return { status: 401, statusMessage: 'Not logged in' };
    session.expected = nextSessionId(sessionId, session.clientId);
    return session.clientId;
  };

  const handlers: Record<string, (params: unknown[]) => Answer> = {
    getHash: ([clientId]) => {
      if (!account(Number(clientId))) return { status: 401, statusMessage: 'Unknown client' };
      const sessionId = randomBytes(24).toString('hex') + randomBytes(16).toString('hex');
      sessions.set(sessionId.slice(0, 48), {
        clientId: Number(clientId),
        expected: nextSessionId(sessionId, Number(clientId)),
        loggedIn: false,
      });
      return ok([{ sessionId }]);
    },
    login: ([sessionId]) => {
      const session = typeof sessionId === 'string' ? sessions.get(sessionId.slice(0, 48)) : undefined;
      // A wrong password or software key yields a different hash: that is a failed login, not an expiry.
      if (!session || session.expected !== sessionId) return { status: 401, statusMessage: 'Invalid login' };
      session.loggedIn = true;
      session.expected = nextSessionId(sessionId as string, session.clientId);
      return ok();
    },
    logout: ([sessionId]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      sessions.delete((sessionId as string).slice(0, 48));
      return ok();
    },
    addSeller: ([sessionId, , sellerRkid, data]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const key = `${client}:${String(sellerRkid)}`;
      const seller = sellers.get(key) ?? { sellerId: nextId++, data: {} };
      seller.data = data as Record<string, unknown>;
      sellers.set(key, seller);
      return ok([{ seller_id: seller.sellerId }]);
    },
    addAdvert: ([sessionId, data]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const advert = data as Record<string, unknown>;
      const missing = REQUIRED.filter((field) => advert[field] === undefined || advert[field] === '');
      if (missing.length) return { status: 451, statusMessage: `Incomplete data: ${missing.join(', ')}` };
      const rkid = String(advert.advert_rkid ?? '');
      const existing = adverts.get(rkid);
      const stored = existing ?? { advertId: nextId++, clientId: client, data: {}, photos: [] };
      stored.data = advert;
      adverts.set(rkid, stored);
      return {
        status: existing ? 200 : 201,
        statusMessage: existing ? 'Updated' : 'Created',
        output: [{ advert_id: stored.advertId }],
      };
    },
    delAdvert: ([sessionId, advertId, rkid]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const found = findAdvert(client, advertId, rkid);
      if (!found) return { status: 404, statusMessage: 'Advert not found' };
      adverts.delete(found[0]);
      return ok();
    },
    listAdvert: ([sessionId]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      return ok(
        [...adverts.entries()]
          .filter(([, a]) => a.clientId === client)
          .map(([rkid, a]) => ({
            advert_id: a.advertId,
            advert_rkid: rkid,
            advert_price: a.data.advert_price,
            advert_price_currency: a.data.advert_price_currency,
          })),
      );
    },
    addPhoto: ([sessionId, advertId, rkid, data]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const found = findAdvert(client, advertId, rkid);
      if (!found) return { status: 404, statusMessage: 'Advert not found' };
      const photo = data as { data?: Buffer; main?: number; photo_rkid?: string };
      if (!Buffer.isBuffer(photo.data) || photo.data.length === 0)
        return { status: 453, statusMessage: 'Photo data missing' };
      const advert = found[1];
      const existing = advert.photos.find((p) => p.rkid === photo.photo_rkid);
      if (existing) return ok([{ photo_id: existing.photoId }]);
      const stored = {
        photoId: nextId++,
        rkid: String(photo.photo_rkid ?? ''),
        main: photo.main === 1,
        bytes: photo.data.length,
      };
      advert.photos.push(stored);
      return ok([{ photo_id: stored.photoId }]);
    },
    delPhoto: ([sessionId, photoId]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      for (const advert of adverts.values()) {
        if (advert.clientId !== client) continue;
        const i = advert.photos.findIndex((p) => p.photoId === Number(photoId));
        if (i >= 0) {
          advert.photos.splice(i, 1);
          return ok();
        }
      }
      return { status: 404, statusMessage: 'Photo not found' };
    },
    listPhoto: ([sessionId, advertId, rkid]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const found = findAdvert(client, advertId, rkid);
      if (!found) return { status: 404, statusMessage: 'Advert not found' };
      return ok(
        found[1].photos.map((p) => ({ photo_id: p.photoId, photo_rkid: p.rkid, main: p.main ? 1 : 0 })),
      );
    },
  };

  function findAdvert(
    client: number,
    advertId: unknown,
    rkid: unknown,
  ): [string, FakeSrealityAdvert] | undefined {
    return [...adverts.entries()].find(
      ([key, a]) =>
        a.clientId === client && ((Number(advertId) > 0 && a.advertId === Number(advertId)) || key === rkid),
    );
  }

  for (const [method, handle] of Object.entries(handlers)) {
    server.on(method, (_err: unknown, params: unknown[], reply: (err: unknown, value: unknown) => void) => {
      calls.push(method);
      const answer = (): Answer => {
        if (always) return { status: always.status, statusMessage: always.message };
        if (failing && failing.count > 0 && (!failing.method || failing.method === method)) {
          failing.count--;
          return { status: failing.status, statusMessage: failing.message };
        }
        return handle(params);
      };
      setTimeout(() => reply(null, answer()), options.latencyMs ?? 0);
    });
  }

  // Bare HTTP failures sit in front of the XML-RPC handler.
  const [rpcHandler] = server.httpServer.listeners('request') as ((...args: unknown[]) => void)[];
  server.httpServer.removeAllListeners('request');
  server.httpServer.on('request', (req, res) => {
    if (httpFailing.count > 0) {
      httpFailing.count--;
      req.resume();
      res.writeHead(httpFailing.status, { 'content-type': 'text/plain' }).end('Service unavailable');
      return;
    }
    rpcHandler(req, res);
  });

  const { port } = server.httpServer.address() as AddressInfo;
  let nextSeed = 900_000;
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    adverts,
    sellers,
    calls,
    failNext: (count, status, message = `Failure ${status}`, method) => {
      failing = { count, status, message, method };
    },
    alwaysFail: (status, message = `Failure ${status}`) => {
      always = status === null ? null : { status, message };
    },
    httpFailNext: (count, status = 503) => {
      httpFailing = { count, status };
    },
    seed: (clientId, rkid, data) => {
      const advert = { advertId: nextSeed++, clientId, data, photos: [] };
      adverts.set(rkid, advert);
      return advert;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.httpServer.closeAllConnections?.();
        server.httpServer.close(() => resolve());
      }),
  };
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
