import {
  createECDH,
  createDecipheriv,
  createHmac,
  createPublicKey,
  randomBytes,
  verify,
  type ECDH,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A browser's side of a push subscription: its P-256 key pair and auth secret (RFC 8291 §2). */
export interface PushClient {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
  authSecret: Buffer;
}

export interface ReceivedPush {
  path: string;
  /** Verified VAPID claims (RFC 8292 §2). */
  claims: { aud: string; exp: number; sub: string };
  /** The sender's VAPID public key (base64url), from the `k` parameter. */
  vapidKey: string;
  ttl: string | undefined;
  /** Decrypted with the subscription's private key (RFC 8291). */
  plaintext: string;
}

export interface FakePushService {
  origin: string;
  received: ReceivedPush[];
  /** Requests refused by the checks, with the reason (a failing check fails the test that reads it). */
  refused: string[];
  /**
   * A subscription whose endpoint answers `status` (201 = accepted; a 3xx comes with a Location
   * elsewhere, which RFC 8030 never asks a sender to follow).
   */
  subscribe(status: PushStatus): PushClient;
  /**
   * Holds the next `count` valid pushes unanswered until all `count` have arrived, then answers
   * them: a sender that waits for one device's answer before the next never completes the set.
   */
  holdUntilConcurrent(count: number): void;
  /** Most valid pushes that were open at once. */
  maxConcurrent: number;
  close(): Promise<void>;
}

export type PushStatus = 201 | 301 | 302 | 307 | 308 | 404 | 410 | 500;

const b64u = (b: Buffer) => b.toString('base64url');
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/**
 * A push service on loopback (RFC 8030 §5: POST to the subscription's endpoint) that checks what a
 * real one checks before answering 201 (or the status the endpoint was made with):
 * - RFC 8292 §3.1: `Authorization: vapid t=<JWT>, k=<public key>`; §2: the JWT is ES256 signed by k,
 *   `aud` is the origin of the endpoint, `exp` is in the future and at most 24 hours away, `sub` is a
 *   mailto: or https: URI.
 * - RFC 8030 §5.2: a TTL header.
 * - RFC 8188 §2.1 / RFC 8291 §4: `Content-Encoding: aes128gcm`, body = salt(16) | rs(4) | idlen(1) |
 *   keyid (the sender's 65-byte ephemeral public key) | ciphertext; decrypted here with the
 *   subscription's private key and auth secret (RFC 8291 §3.3–3.4), the padding delimiter 0x02 of a
 *   last record checked (RFC 8188 §2).
 */
export async function startFakePushService(): Promise<FakePushService> {
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  const clients = new Map<string, { client: PushClient; status: number }>();
  let counter = 0;
  let open = 0;
  let held: { count: number; waiting: (() => void)[] } | null = null;

  const answer = (res: ServerResponse, status: number) => {
    open--;
    if (status === 201) res.writeHead(201, { Location: `${origin}/messages/${++counter}` }).end();
    else if (status >= 300 && status < 400)
      res.writeHead(status, { Location: `${origin}/elsewhere/${++counter}` }).end();
    else res.writeHead(status).end();
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = req.url ?? '';
      const entry = clients.get(path);
      try {
        if (req.method !== 'POST') throw new Error('method must be POST');
        if (!entry) throw new Error('unknown subscription');
        const push = check(req, body, entry.client, origin);
        received.push({ path, ...push });
        open++;
        service.maxConcurrent = Math.max(service.maxConcurrent, open);
        if (held) {
          const batch = held;
          batch.waiting.push(() => answer(res, entry.status));
          if (batch.waiting.length === batch.count) {
            held = null;
            for (const release of batch.waiting) release();
          }
          return;
        }
        answer(res, entry.status);
      } catch (err) {
        refused.push(`${path}: ${(err as Error).message}`);
        res.writeHead(400).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const service: FakePushService = {
    origin,
    received,
    refused,
    maxConcurrent: 0,
    holdUntilConcurrent(count) {
      held = { count, waiting: [] };
    },
    subscribe(status) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const path = `/push/${b64u(randomBytes(12))}`;
      const client: PushClient = {
        endpoint: `${origin}${path}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(authSecret) },
        ecdh,
        authSecret,
      };
      clients.set(path, { client, status });
      return client;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return service;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function check(
  req: IncomingMessage,
  body: Buffer,
  client: PushClient,
  origin: string,
): Omit<ReceivedPush, 'path'> {
  const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
  if (!auth) throw new Error('Authorization must be "vapid t=…, k=…" (RFC 8292 §3)');
  const [, jwt, k] = auth;
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; typ?: string };
  if (header.alg !== 'ES256') throw new Error('JWT alg must be ES256 (RFC 8292 §2)');
  const pub = Buffer.from(k, 'base64url');
  if (pub.length !== 65 || pub[0] !== 4)
    throw new Error('k must be an uncompressed P-256 point (RFC 8292 §3.2)');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33)) },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!signed) throw new Error('JWT signature does not verify with k');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    aud: string;
    exp: number;
    sub: string;
  };
  if (claims.aud !== origin)
    throw new Error(`aud must be the endpoint's origin ${origin}, was ${claims.aud}`);
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600))
    throw new Error('exp must be in the next 24 hours');
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error('sub must be a mailto: or https: URI');
  const ttl = req.headers['ttl'] as string | undefined;
  if (ttl === undefined) throw new Error('TTL header missing (RFC 8030 §5.2)');
  if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding must be aes128gcm');
  return { claims, vapidKey: k, ttl, plaintext: decrypt(body, client) };
}

function decrypt(body: Buffer, client: PushClient): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) throw new Error('keyid must be the 65-byte sender key (RFC 8291 §4)');
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (ciphertext.length > rs) throw new Error('one record expected within rs');
  const uaPublic = client.ecdh.getPublicKey();
  const ecdhSecret = client.ecdh.computeSecret(asPublic);
  // RFC 8291 §3.4
  const prkKey = hmac(client.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hmac(prkKey, Buffer.concat([keyInfo, Buffer.from([1])]));
  // RFC 8188 §2.2–2.3
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('last record must end with the delimiter 0x02 (RFC 8188 §2)');
  return padded.subarray(0, end).toString();
}
