import { outboundErrorIn, type GuardedHttp } from '@ppt/outbound';
import { createHash } from 'node:crypto';
import xmlrpc from 'xmlrpc';
import { PortalError, refusedCall, shortStatusLine } from '../portal-adapter';
import {
  attributesInMessage,
  FIELD_OF_ATTRIBUTE,
  nextPragueMidnight,
  statusToError,
} from './sreality-codebook';

export interface SrealityCredentials {
  /** The numeric client id the portal issued to the agency. */
  clientId: number;
  password: string;
  /** The key the portal issued to our export software. */
  softwareKey: string;
}

export interface SrealityOptions {
  /** XML-RPC endpoint, e.g. https://import.sreality.cz/RPC2. */
  endpoint: string;
  /** Public advert URL, `{id}` replaced by the portal's advert id. */
  advertUrlTemplate?: string;
  timeoutMs?: number;
}

/** Every answer of the interface: a status, its message, and the call's output rows. */
interface RpcAnswer {
  status: number;
  statusMessage?: string;
  output?: Record<string, unknown>[];
}

const FIXED_PART = 48;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * One logged-in conversation with the import interface. The session id rotates on every call: the
 * first 48 characters stay, the rest becomes md5(previous id + md5(password) + software key), so a
 * session is strictly sequential — one per job, never shared.
 */
export class SrealitySession {
  private sessionId = '';
  private readonly passwordMd5: string;

  private constructor(
    private readonly credentials: SrealityCredentials,
    private readonly options: SrealityOptions,
    private readonly http: GuardedHttp,
  ) {
    this.passwordMd5 = md5(credentials.password);
  }

  static async open(
    credentials: SrealityCredentials,
    options: SrealityOptions,
    http: GuardedHttp,
  ): Promise<SrealitySession> {
    const session = new SrealitySession(credentials, options, http);
    const hash = await session.rpc('getHash', [credentials.clientId]);
    const sessionId = hash.output?.[0]?.sessionId;
    if (typeof sessionId !== 'string' || sessionId.length < FIXED_PART) {
      throw new PortalError(
        'PORTAL_REJECTED',
        'The portal answered getHash without a session id',
        false,
        hash.status,
      );
    }
    session.sessionId = sessionId;
    await session.call('login');
    return session;
  }

  /** Calls a method with the next session id first, as the interface expects. */
  async call(method: string, ...params: unknown[]): Promise<RpcAnswer> {
    this.sessionId =
      this.sessionId.slice(0, FIXED_PART) +
      md5(this.sessionId + this.passwordMd5 + this.credentials.softwareKey);
    return this.rpc(method, [this.sessionId, ...params]);
  }

  /** Best effort: an unclosed session simply expires on the portal. */
  async close(): Promise<void> {
    await this.call('logout').catch(() => undefined);
  }

  private async rpc(method: string, params: unknown[]): Promise<RpcAnswer> {
    const answer = await xmlRpcCall(this.options, this.http, method, params);
    const failure = statusToError(answer.status);
    if (failure) {
      // Only the structured status text, cut to one line, may reach the manager (see PortalError).
      const attribute = attributesInMessage(answer.statusMessage)[0];
      const field = attribute ? (FIELD_OF_ATTRIBUTE[attribute] ?? attribute) : null;
      throw new PortalError(
        failure.code,
        `Sreality ${method}: status ${answer.status}${field ? ` (${field})` : ''}`,
        failure.retryable,
        answer.status,
        answer.statusMessage ?? null,
      ).with({
        field,
        statusLine: shortStatusLine(answer.statusMessage),
        retryAt: failure.untilMidnight ? nextPragueMidnight() : null,
      });
    }
    return answer;
  }
}

/**
 * One XML-RPC round trip with a deadline, through the guarded agent (address checked at connect
 * time, response capped); transport failures are retryable PortalErrors, refusals are not.
 */
function xmlRpcCall(
  options: SrealityOptions,
  http: GuardedHttp,
  method: string,
  params: unknown[],
): Promise<RpcAnswer> {
  const problem = http.urlProblem(options.endpoint);
  if (problem)
    return Promise.reject(
      new PortalError('ENDPOINT_NOT_ALLOWED', `Sreality ${method}: the URL ${problem}`, false),
    );
  const url = new URL(options.endpoint);
  const clientOptions = {
    url: options.endpoint,
    agent: http.nodeAgent(url.protocol),
    // Passed through to http.request: the call is aborted (an 'error') when the deadline passes.
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  const client =
    url.protocol === 'https:' ? xmlrpc.createSecureClient(clientOptions) : xmlrpc.createClient(clientOptions);
  return new Promise((resolve, reject) => {
    let settled = false;
    client.methodCall(method, params, (error: unknown, value: unknown) => {
      if (settled) return;
      settled = true;
      if (error) reject(transportError(method, error));
      else if (!value || typeof value !== 'object' || typeof (value as RpcAnswer).status !== 'number')
        reject(new PortalError('PORTAL_REJECTED', `Sreality ${method}: an answer without a status`, false));
      else resolve(value as RpcAnswer);
    });
  });
}

function transportError(method: string, error: unknown): PortalError {
  const refused = outboundErrorIn(error);
  if (refused) return refusedCall(refused, `Sreality ${method}`);
  const err = error as {
    res?: { statusCode?: number };
    faultCode?: number;
    faultString?: string;
  };
  const httpStatus = err.res?.statusCode;
  if (err.faultCode !== undefined) {
    return new PortalError(
      'PORTAL_REJECTED',
      `Sreality ${method}: fault ${err.faultCode}`,
      false,
      err.faultCode,
      err.faultString ?? null,
    );
  }
  if (httpStatus !== undefined && httpStatus !== 200) {
    const retryable = httpStatus >= 500 || httpStatus === 429 || httpStatus === 408;
    return new PortalError(
      httpStatus === 429 ? 'RATE_LIMITED' : retryable ? 'PORTAL_UNAVAILABLE' : 'PORTAL_REJECTED',
      `Sreality ${method}: HTTP ${httpStatus}`,
      retryable,
      httpStatus,
    );
  }
  // A parser's message may quote what the portal sent: only the error code goes into ours.
  const code = (error as { code?: unknown } | null)?.code;
  return new PortalError(
    'PORTAL_UNAVAILABLE',
    `Sreality ${method}: could not be reached${typeof code === 'string' ? ` (${code})` : ''}`,
    true,
  );
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
