import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, Socket, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, fetch as undiciFetch, request } from 'undici';
import { AddressPolicy } from './address-policy';
import { OutboundError, outboundErrorIn } from './outbound.errors';

export interface OutboundOptions {
  /** Addresses allowed although not public (local test portals), e.g. "127.0.0.1/32"; default none. */
  allowedCidrs?: string;
  /** Response bodies beyond this many bytes are aborted. */
  maxResponseBytes?: number;
  /** Deadline of a whole request (connect, headers and body) unless the call sets its own. */
  timeoutMs?: number;
  /** Stands in for DNS (tests: a name that resolves to a refused address); default node:dns. */
  resolver?: typeof dnsLookup;
}

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** A stream is sent as it is read (large uploads never sit in memory whole). */
  body?: string | Uint8Array | Readable;
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most maxResponseBytes. */
  body: Buffer;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The one way server-side code calls a URL someone configured (portal endpoints, webhooks): the
 * address is checked when the connection is made, after DNS resolution (so a name that resolves to
 * 127.0.0.1, or one re-pointed there after it was saved — DNS rebinding — is refused), redirects
 * are errors, response bodies are capped, and every request has a deadline. Errors it raises carry
 * our own short wording, never the remote body.
 */
/** Which URL schemes a configured endpoint may use: `plain` ones only to allow-listed addresses. */
export interface UrlSchemes {
  secure: readonly string[];
  plain: readonly string[];
  /** What the refusals say (the manager reads them under `options.endpoint`). */
  messages: { notAUrl: string; wrongScheme: string; plainRefused: string };
}

export const HTTP_SCHEMES: UrlSchemes = {
  secure: ['https:'],
  plain: ['http:'],
  messages: {
    notAUrl: 'must be an absolute http(s) URL',
    wrongScheme: 'must be an https:// URL',
    plainRefused: 'must be https:// (plain http only to an allow-listed address)',
  },
};

export class GuardedHttp {
  readonly policy: AddressPolicy;
  readonly maxResponseBytes: number;
  private readonly timeoutMs: number;
  private readonly agent: Agent;
  private readonly resolver: typeof dnsLookup;

  constructor(options: OutboundOptions = {}) {
    this.policy = AddressPolicy.fromList(options.allowedCidrs);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.resolver = options.resolver ?? dnsLookup;
    // undici passes `lookup` through to net/tls.connect, which call it for names, never for IP
    // literals: those are checked here before connecting.
    const connector = buildConnector({
      lookup: this.lookup,
      timeout: this.timeoutMs,
    } as buildConnector.BuildOptions);
    this.agent = new Agent({
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: (opts, callback) => {
        const refused = this.literalRefusal(opts.hostname);
        if (refused) callback(refused, null);
        else connector(opts, callback);
      },
    });
  }

  /**
   * Why `raw` may not be configured or called (null = fine): an http(s) URL without credentials in
   * it, https (plain http only to an allow-listed address), and no literal address or `localhost`
   * the policy refuses. Names are resolved and checked again at every connection.
   */
  urlProblem(raw: string, schemes: UrlSchemes = HTTP_SCHEMES): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return schemes.messages.notAUrl;
    }
    if (!schemes.secure.includes(url.protocol) && !schemes.plain.includes(url.protocol))
      return schemes.messages.wrongScheme;
    if (url.username || url.password) return 'must not carry credentials';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const localName = host === 'localhost' || host.endsWith('.localhost');
    // What a local name always means (RFC 6761); its real resolution is checked at connect time.
    const address = isIP(host) ? host : localName ? '127.0.0.1' : null;
    if (schemes.plain.includes(url.protocol) && !(address && this.policy.isAllowListed(address)))
      return schemes.messages.plainRefused;
    const range = address && this.policy.refusal(address);
    return range ? `must not point at a ${range} address` : null;
  }

  /**
   * The address a non-HTTP client (FTP, SFTP) must connect to for `hostname`, checked like every
   * HTTP connection: a literal is judged as it is, a name is resolved and refused if any of its
   * addresses is. Connecting to the returned address (not the name again) closes the window in which
   * the name could be re-pointed (DNS rebinding).
   */
  resolveHost(hostname: string): Promise<string> {
    const refused = this.literalRefusal(hostname);
    if (refused) return Promise.reject(refused);
    const host = hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return Promise.resolve(host);
    return new Promise((resolve, reject) =>
      this.lookup(host, { all: false }, (err, address) => (err ? reject(err) : resolve(address as string))),
    );
  }

  async request(url: string, init: OutboundRequest): Promise<OutboundResponse> {
    const problem = this.urlProblem(url);
    if (problem) throw new OutboundError('OUTBOUND_URL_REFUSED', `The URL ${problem}`);
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs),
      });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        discard(res.body);
        throw new OutboundError('OUTBOUND_REDIRECT', `HTTP ${res.statusCode} (redirects are not followed)`);
      }
      // A declared length over the cap is refused before reading; an undeclared one is counted.
      const declared = Number(res.headers['content-length']);
      let size = Number.isFinite(declared) ? declared : 0;
      const chunks: Buffer[] = [];
      if (size <= this.maxResponseBytes) {
        size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > this.maxResponseBytes) break;
          chunks.push(chunk);
        }
      }
      if (size > this.maxResponseBytes) {
        discard(res.body);
        throw new OutboundError(
          'OUTBOUND_RESPONSE_TOO_LARGE',
          `HTTP ${res.statusCode} with a body over ${this.maxResponseBytes} bytes (aborted)`,
        );
      }
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
    } catch (err) {
      throw outboundErrorIn(err) ?? err;
    }
  }

  /**
   * A WHATWG fetch through the same guarded agent, for SDKs that take one (the LLM clients): the URL
   * and every connection are checked the same way and redirects are errors. The body is not capped
   * (answers stream); the caller's signal and the agent's header/body timeouts bound it.
   */
  readonly fetch = (
    input: string | URL | { url: string },
    init?: Record<string, unknown>,
  ): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const problem = this.urlProblem(url);
    if (problem) return Promise.reject(new OutboundError('OUTBOUND_URL_REFUSED', `The URL ${problem}`));
    const call = undiciFetch as unknown as (u: unknown, i: unknown) => Promise<Response>;
    return call(input, { ...init, dispatcher: this.agent, redirect: 'error' });
  };

  /**
   * A node:http(s) agent with the same connect-time address check and size cap, for libraries that
   * only take one (the XML-RPC client). No keep-alive: the byte count is per connection.
   */
  nodeAgent(protocol: string): http.Agent {
    const literalRefusal = (host: string) => this.literalRefusal(host);
    const { lookup, maxResponseBytes } = this;
    const Base = protocol === 'https:' ? https.Agent : http.Agent;
    class GuardedNodeAgent extends Base {
      override createConnection(
        options: http.ClientRequestArgs,
        callback?: (err: Error | null, socket: Socket) => void,
      ): Socket {
        const refused = literalRefusal(String(options.host ?? options.hostname ?? ''));
        if (refused) {
          const socket = new Socket();
          process.nextTick(() => socket.destroy(refused));
          return socket;
        }
        const create = Base.prototype.createConnection as (
          this: http.Agent,
          o: object,
          cb?: (err: Error | null, socket: Socket) => void,
        ) => Socket;
        const socket = create.call(this, { ...options, lookup }, callback);
        let received = 0;
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes)
            socket.destroy(
              new OutboundError(
                'OUTBOUND_RESPONSE_TOO_LARGE',
                `A response over ${maxResponseBytes} bytes (aborted)`,
              ),
            );
        });
        return socket;
      }
    }
    return new GuardedNodeAgent({ keepAlive: false });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** Resolves a name and refuses it if any of its addresses is refused (the socket may try each). */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolver(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find(({ address }) => this.policy.refusal(address) !== null);
      if (refused || addresses.length === 0) {
        const range = refused ? this.policy.refusal(refused.address) : 'no';
        return callback(
          new OutboundError('OUTBOUND_ADDRESS_REFUSED', `${hostname} resolves to a ${range} address`),
          '',
          0,
        );
      }
      if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };

  private literalRefusal(hostname: string): OutboundError | null {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host)) return null;
    const range = this.policy.refusal(host);
    return range ? new OutboundError('OUTBOUND_ADDRESS_REFUSED', `${host} is a ${range} address`) : null;
  }
}

/** Drops a body we will not read (undici reports the abort as an error nobody needs to hear). */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}
