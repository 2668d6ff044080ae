import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import xmlrpc from 'xmlrpc';

/**
 * A Sreality-compatible XML-RPC import server on loopback, written from the interface's published
 * documentation (not from our adapter). Every rule it enforces, and where it comes from:
 *
 * | rule | source |
 * |---|---|
 * | XML-RPC over HTTP POST, UTF-8; every answer is `{status, statusMessage, output}` | Sreality "dokumentace k importnímu rozhraní" §1.4; realitnitrznice.cz/napoveda ("Všechny metody vrací strukturovaný výstup…") |
 * | `getHash(client_id)` → `output[0].sessionId`; unknown client → 402 | realitymix.cz/import/documentation/xml-rpc/methods/auth ("402=Neexistujici client_id"); 4-house/4house-import-example test_import.py (`get_hash['output'][0]['sessionId']`) |
 * | the session id rotates on every call: first 48 characters stay, the rest is md5(previous id + md5(password) + software key); `login` takes the first rotated id | 4-house/4house-import-example test_import.py (`__new_session_id`); firma.realitnitrznice.cz/napoveda/metody-zakladni (login: "session_id už musí být přepočítáno pomocí vzorečku") |
 * | a login whose id does not match (wrong password, software key or client id) → 407 | firma.realitnitrznice.cz/napoveda/metody-zakladni ("Vrací-li metoda opakovaně 407 Bad session je špatně zadané heslo, importní klíč a nebo client_id") |
 * | any call with a wrong or stale session id, or before login → 407 "Neplatné přihlášení" | realitymix …/methods/advert ("407=Neplatné přihlášení"); realitnitrznice ("Bez úspěšně dokončené metody login je celá importní relace ve stavu nepřihlášen") |
 * | `addAdvert(session, advert_data)`: upsert by `advert_rkid` (unique per client) or `advert_id`; answers `output[0].advert_id` | realitymix …/methods/advert ("Editace inzerátu se zajistí vyplněním advert_id … nebo … existující rkid"); realitnitrznice/metody-nemovitosti |
 * | missing or mistyped common required attributes → 452, the attributes named in parentheses (`%s`) | realitymix …/methods/advert ("452=Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (%s)") |
 * | missing attributes the category requires → 453 (`%s`) | realitymix …/methods/advert ("453=Nejsou vyplněny všechny povinné položky druhu…"); per category as listed in issue #17 (flats and houses: building_type, building_condition; flats: ownership; houses and land: estate_area; built property: usable_area) |
 * | `advert_lifetime` is a codebook value (1–4), not days: 90 is refused as a wrong type (452) | client example `'advert_lifetime' => 4, // 90 dni` (public PHP Sreality client); realitymix ("validationNotices … neplatné číselníkové hodnoty") |
 * | price unit must fit the transaction (za měsíc only for rent) → 454 | realitymix …/methods/advert ("454=Typ ceny neodpovídá typu nemovitosti") |
 * | `seller_id` that the client does not have → 461 | realitymix …/methods/advert ("461=ID makléře neexistuje"); realitnitrznice ("461=Makleř neexistuje") |
 * | more operations in a day than the client's quota → 481 | realitymix …/methods/advert ("481=Maximální počet operací přes XML-RPC byl dnes již vyčerpán") |
 * | an advert the client does not have (delAdvert, photos) → 404 | realitnitrznice/metody-nemovitosti ("404=Inzerát pro tuto RK neexistuje") |
 * | `addPhoto(session, advert_id, advert_rkid, {data, main, photo_rkid})`, `listPhoto`, `delPhoto(session, photo_id, photo_rkid)`; upsert by `photo_rkid` | docplayer.cz "SeznamReality Import XML-RPC server" (method signatures); Sreality docs §2.3 |
 * | `addSeller(session, seller_id, seller_rkid, data)` upsert by `seller_rkid` → `output[0].seller_id` | Sreality docs §2.5; public PHP client (`saveSeller(null, rkid, params)`) |
 * | `listAdvert(session)` → the client's adverts with `advert_id`, `advert_rkid`, price | Sreality docs §2.2; 4-house example (`listAdvert(session_id)`) |
 */

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
  /** The next `count` calls (of `method`, if given) answer with this status instead of doing anything. */
  failNext(count: number, status: number, message?: string, method?: string): void;
  /** Every call answers with this status until set back to null. */
  alwaysFail(status: number | null, message?: string): void;
  /** The next `count` HTTP requests get a bare HTTP error (the portal's front end is down). */
  httpFailNext(count: number, httpStatus?: number): void;
  /** Operations a client may make per day (481 beyond); unlimited when null (the default). */
  setDailyLimit(limit: number | null): void;
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
const INVALID_LOGIN: Answer = { status: 407, statusMessage: 'Neplatné přihlášení' };

/** Attributes every advert needs, with the XML-RPC type each must have. */
const COMMON_REQUIRED: Record<string, 'int' | 'number' | 'string'> = {
  advert_function: 'int',
  advert_lifetime: 'int',
  advert_type: 'int',
  advert_subtype: 'int',
  advert_price: 'number',
  advert_price_currency: 'int',
  advert_price_unit: 'int',
  description: 'string',
  locality_city: 'string',
};
/** Attributes each category (advert_type) needs on top. */
const CATEGORY_REQUIRED: Record<number, string[]> = {
  1: ['usable_area', 'building_type', 'building_condition', 'ownership'],
  2: ['usable_area', 'estate_area', 'building_type', 'building_condition'],
  3: ['estate_area'],
  4: ['usable_area'],
  5: [],
};
const LIFETIME_CODES = [1, 2, 3, 4];
const PRICE_UNIT_PER_MONTH = 2;
const FUNCTION_RENT = 2;

function hasType(value: unknown, type: 'int' | 'number' | 'string'): boolean {
  if (type === 'string') return typeof value === 'string' && value.trim() !== '';
  if (type === 'int') return typeof value === 'number' && Number.isInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

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
  const operationsToday = new Map<number, number>();
  let dailyLimit: number | null = null;
  let nextId = 1000;
  let failing: { count: number; status: number; message: string; method?: string } | null = null;
  let always: { status: number; message: string } | null = null;
  let httpFailing = { count: 0, status: 503 };

  const account = (clientId: number) => accounts.find((a) => a.clientId === clientId);
  const nextSessionId = (current: string, clientId: number) => {
    const a = account(clientId)!;
    return current.slice(0, 48) + md5(current + md5(a.password) + a.softwareKey);
  };

  /** Checks and advances the rotating session id; returns the client or the 407 answer. */
  const authenticate = (sessionId: unknown): number | Answer => {
    if (typeof sessionId !== 'string') return INVALID_LOGIN;
    const session = sessions.get(sessionId.slice(0, 48));
    if (!session || session.expected !== sessionId || !session.loggedIn) return INVALID_LOGIN;
    session.expected = nextSessionId(sessionId, session.clientId);
    const used = (operationsToday.get(session.clientId) ?? 0) + 1;
    operationsToday.set(session.clientId, used);
    if (dailyLimit !== null && used > dailyLimit)
      return {
        status: 481,
        statusMessage: 'Maximální počet operací přes XML-RPC byl dnes již vyčerpán, operace nebyla provedena',
      };
    return session.clientId;
  };

  const handlers: Record<string, (params: unknown[]) => Answer> = {
    getHash: ([clientId]) => {
      if (!account(Number(clientId))) return { status: 402, statusMessage: 'Neexistující client_id' };
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
      // A wrong password, software key or client id yields another hash: 407, as the docs say.
      if (!session || session.loggedIn || session.expected !== sessionId) return INVALID_LOGIN;
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
      const advert = (data ?? {}) as Record<string, unknown>;
      const wrong = Object.entries(COMMON_REQUIRED)
        .filter(([field, type]) => !hasType(advert[field], type))
        .map(([field]) => field);
      if (
        hasType(advert.advert_lifetime, 'int') &&
        !LIFETIME_CODES.includes(advert.advert_lifetime as number)
      )
        wrong.push('advert_lifetime');
      if (wrong.length)
        return {
          status: 452,
          statusMessage: `Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (${wrong.join(', ')})`,
        };
      const categoryMissing = (CATEGORY_REQUIRED[advert.advert_type as number] ?? []).filter(
        (field) => advert[field] === undefined || advert[field] === null || advert[field] === '',
      );
      if (categoryMissing.length)
        return {
          status: 453,
          statusMessage: `Nejsou vyplněny všechny povinné položky druhu nebo jsou špatného typu (${categoryMissing.join(', ')})`,
        };
      if (advert.advert_price_unit === PRICE_UNIT_PER_MONTH && advert.advert_function !== FUNCTION_RENT)
        return { status: 454, statusMessage: 'Typ ceny neodpovídá typu nemovitosti.' };
      if (
        advert.seller_id !== undefined &&
        ![...sellers.entries()].some(
          ([key, s]) => key.startsWith(`${client}:`) && s.sellerId === advert.seller_id,
        )
      )
        return { status: 461, statusMessage: 'ID makléře neexistuje' };
      const rkid = String(advert.advert_rkid ?? '');
      const existing = adverts.get(rkid);
      // rkids are unique per client; this map is keyed by rkid alone (ours are UUIDs), so a clash
      // between two clients can only be a test's mistake: refuse it loudly rather than overwrite.
      if (existing && existing.clientId !== client)
        throw new Error(`fake Sreality: advert_rkid ${rkid} belongs to another client`);
      const stored = existing ?? { advertId: nextId++, clientId: client, data: {}, photos: [] };
      stored.data = advert;
      adverts.set(rkid, stored);
      return ok([{ advert_id: stored.advertId }]);
    },
    delAdvert: ([sessionId, advertId, rkid]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const found = findAdvert(client, advertId, rkid);
      if (!found) return { status: 404, statusMessage: 'Inzerát pro tuto RK neexistuje' };
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
      if (!found) return { status: 404, statusMessage: 'Inzerát pro tuto RK neexistuje' };
      const photo = data as { data?: Buffer; main?: number; photo_rkid?: string };
      if (!Buffer.isBuffer(photo.data) || photo.data.length === 0)
        return {
          status: 452,
          statusMessage: 'Nejsou vyplněny všechny povinné položky nebo jsou špatného typu (data)',
        };
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
      return { status: 404, statusMessage: 'Fotografie neexistuje' };
    },
    listPhoto: ([sessionId, advertId, rkid]) => {
      const client = authenticate(sessionId);
      if (typeof client !== 'number') return client;
      const found = findAdvert(client, advertId, rkid);
      if (!found) return { status: 404, statusMessage: 'Inzerát pro tuto RK neexistuje' };
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
    setDailyLimit: (limit) => {
      dailyLimit = limit;
      operationsToday.clear();
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
