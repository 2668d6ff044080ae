import { lookup } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardedHttp } from './guarded-http';
import { OutboundError, outboundErrorIn } from './outbound.errors';

/** A real HTTP server on loopback, standing in for a portal or webhook receiver. */
describe('GuardedHttp (against a real local server)', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_req, res) => res.end('{"ok":true}'),
    '/redirect': (_req, res) => res.writeHead(302, { location: '/secret' }).end(),
    '/secret': (_req, res) => res.end('internal secret'),
    '/huge-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const push = () => {
        while (sent < 4 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    },
    '/huge-declared': (_req, res) =>
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) }).end(Buffer.alloc(2 * 1024 * 1024)),
    '/slow': () => undefined, // never answers
  };
  const allowed = () =>
    new GuardedHttp({ allowedCidrs: '127.0.0.1/32', maxResponseBytes: 1024 * 1024, timeoutMs: 2000 });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: unknown) => err as OutboundError,
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reaches an allow-listed local server', async () => {
    const http = allowed();
    const res = await http.request(`${base}/ok`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"ok":true}');
    await http.close();
  });

  it('refuses loopback when it is not allow-listed, before connecting', async () => {
    const http = new GuardedHttp();
    const before = hits.length;
    const port = (server.address() as AddressInfo).port;
    for (const url of [
      `${base}/ok`,
      `https://127.0.0.1:${port}/ok`,
      `https://[::ffff:127.0.0.1]:${port}/ok`,
      `https://localhost:${port}/ok`,
    ]) {
      const err = await refusal(http.request(url, { method: 'GET' }));
      expect(err).toBeInstanceOf(OutboundError);
      expect(['OUTBOUND_URL_REFUSED', 'OUTBOUND_ADDRESS_REFUSED']).toContain(err.code);
    }
    expect(hits.length).toBe(before);
    await http.close();
  });

  it('checks the address a name resolves to when connecting (a name pointed at 127.0.0.1 is refused)', async () => {
    const port = (server.address() as AddressInfo).port;
    const rebound = ((_host: string, options: object, callback: (...args: unknown[]) => void) =>
      lookup('127.0.0.1', options, callback)) as unknown as typeof lookup;
    const http = new GuardedHttp({ resolver: rebound });
    const before = hits.length;
    const err = await refusal(http.request(`https://portal.example.test:${port}/ok`, { method: 'GET' }));
    expect(err).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
      message: 'portal.example.test resolves to a loopback address',
    });
    expect(hits.length).toBe(before);
    await http.close();

    // The same name is fine once its address is allow-listed: the check is on the address.
    const local = new GuardedHttp({ resolver: rebound, allowedCidrs: '127.0.0.1/32' });
    const res = await local.request(`http://127.0.0.1:${port}/ok`, { method: 'GET' });
    expect(res.status).toBe(200);
    await local.close();
  });

  it('does not follow a redirect: a 3xx is an error, and the target is never asked', async () => {
    const http = allowed();
    const err = await refusal(http.request(`${base}/redirect`, { method: 'GET' }));
    expect(err).toMatchObject({
      code: 'OUTBOUND_REDIRECT',
      message: 'HTTP 302 (redirects are not followed)',
    });
    expect(hits).not.toContain('/secret');
    await http.close();
  });

  it('aborts a response body beyond the cap, declared or streamed', async () => {
    const http = allowed();
    for (const path of ['/huge-declared', '/huge-chunked']) {
      const err = await refusal(http.request(`${base}${path}`, { method: 'GET' }));
      expect(err).toMatchObject({ code: 'OUTBOUND_RESPONSE_TOO_LARGE' });
      expect(err.message).toBe('HTTP 200 with a body over 1048576 bytes (aborted)');
    }
    await http.close();
  });

  it('gives up at its deadline', async () => {
    const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32', timeoutMs: 300 });
    const started = Date.now();
    await expect(http.request(`${base}/slow`, { method: 'GET' })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    await http.close();
  });

  it('guards node:http agents too (for clients that only take one): refused address, size cap', async () => {
    const { request } = await import('node:http');
    const get = (http: GuardedHttp, path: string) =>
      new Promise<string>((resolve, reject) => {
        const req = request(`${base}${path}`, { agent: http.nodeAgent('http:') }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    await expect(get(new GuardedHttp(), '/ok')).rejects.toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED' });
    expect(await get(allowed(), '/ok')).toBe('{"ok":true}');
    await expect(get(allowed(), '/huge-chunked')).rejects.toMatchObject({
      code: 'OUTBOUND_RESPONSE_TOO_LARGE',
    });
  });

  it('guards fetch too (for SDKs that take one): allowed, refused address, redirects not followed', async () => {
    const http = allowed();
    const ok = await http.fetch(`${base}/ok`);
    expect(await ok.json()).toEqual({ ok: true });
    hits.length = 0;
    await expect(http.fetch(`${base}/redirect`)).rejects.toThrow();
    expect(hits).toEqual(['/redirect']);
    await http.close();
    const strict = new GuardedHttp();
    const refused = await refusal(strict.fetch(`${base}/ok`));
    expect(refused.code).toBe('OUTBOUND_URL_REFUSED');
    const byName = new GuardedHttp({
      resolver: ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
        cb(null, [{ address: '127.0.0.1', family: 4 }])) as never,
    });
    hits.length = 0;
    const port = new URL(base).port;
    const err = await refusal(byName.fetch(`https://internal.example:${port}/ok`));
    expect(outboundErrorIn(err)?.code).toBe('OUTBOUND_ADDRESS_REFUSED');
    expect(hits).toEqual([]);
    await strict.close();
    await byName.close();
  });

  it('judges configured URLs: https, or http only to an allow-listed address; no credentials', () => {
    const strict = new GuardedHttp();
    const local = allowed();
    expect(strict.urlProblem('https://portal.example.com/upload')).toBeNull();
    expect(strict.urlProblem('http://portal.example.com/upload')).toMatch(/must be https/);
    expect(strict.urlProblem('https://169.254.169.254/latest/meta-data')).toBe(
      'must not point at a linkLocal address',
    );
    expect(strict.urlProblem('https://[::1]/')).toBe('must not point at a loopback address');
    expect(strict.urlProblem('https://0x7f.1/')).toBe('must not point at a loopback address');
    expect(strict.urlProblem('https://api.localhost/')).toBe('must not point at a loopback address');
    expect(strict.urlProblem('https://user:pw@portal.example.com/')).toBe('must not carry credentials');
    expect(strict.urlProblem('ftp://portal.example.com/')).toBe('must be an https:// URL');
    expect(strict.urlProblem('not a url')).toMatch(/absolute/);
    expect(local.urlProblem(`${base}/ok`)).toBeNull();
    expect(local.urlProblem('http://10.0.0.1/')).toMatch(/must be https/);
  });
});
