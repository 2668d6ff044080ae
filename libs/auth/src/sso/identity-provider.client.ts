import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { Agent, request } from 'undici';
import { IdentityProviderUnavailable } from './sso.errors';
import { ssoIntrospectionDuration } from './sso.metrics';
import { SSO_OPTIONS, type ResolvedSsoOptions } from './sso.options';

/** RFC 7662 answer of api-server's POST /api/v1/auth/introspect. */
export interface IntrospectionAnswer {
  active: boolean;
  sub?: string;
  sid?: string;
  org?: string | null;
  role?: MembershipRole | null;
  exp?: number;
  client_id?: string;
}

/** Renew the service token this long before it expires, so a call never carries a just-expired one. */
const SERVICE_TOKEN_MARGIN_S = 30;

/** undici's codes for a deadline that passed (connecting, waiting for headers, between body chunks). */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The portal's HTTP client for api-server: JWKS, introspection and other calls with the portal's
 * own client-credentials token, and liveness. Every call has a short deadline; a network error, a
 * timeout, a 5xx or a refused client all surface as IdentityProviderUnavailable.
 *
 * It uses undici's `request` over a keep-alive pool rather than `fetch`: an introspection sits on
 * the path of every cache miss, and fetch with an AbortSignal deadline costs about three times the
 * CPU per call (measured with `npm run bench:sso`, see docs/operations.md).
 */
@Injectable()
export class IdentityProviderClient implements OnModuleDestroy {
  private readonly logger = new Logger('SsoIdentityProvider');
  private serviceToken?: { value: string; renewAt: number };
  private serviceTokenInFlight?: Promise<string>;
  /** A failed token request is not retried for a while: each attempt costs api-server an argon2 check. */
  private serviceTokenFailure?: { error: IdentityProviderUnavailable; until: number };
  private down = false;

  private readonly pool: Agent;

  constructor(@Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions) {
    // The deadline applies to each phase; our answers are small, so the body phase is instant.
    this.pool = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  async jwks(): Promise<unknown> {
    const res = await this.call('GET', '/.well-known/jwks.json');
    if (res.status !== 200) throw this.unavailable(`the JWKS answered ${res.status}`);
    return res.body;
  }

  async liveness(): Promise<void> {
    const res = await this.call('GET', '/health/live');
    if (res.status !== 200) throw this.unavailable(`/health/live answered ${res.status}`);
  }

  async introspect(token: string): Promise<IntrospectionAnswer> {
    const stopTimer = ssoIntrospectionDuration.startTimer();
    let res: { status: number; body: unknown };
    try {
      res = await this.postAsService('/api/v1/auth/introspect', { token });
    } catch (err) {
      stopTimer({ outcome: 'unavailable' });
      throw err;
    }
    stopTimer({ outcome: 'answered' });
    if (res.status !== 200 || typeof (res.body as IntrospectionAnswer)?.active !== 'boolean') {
      throw this.unavailable(`introspection answered ${res.status}`);
    }
    return res.body as IntrospectionAnswer;
  }

  /**
   * POSTs JSON to api-server as the portal's service (its client-credentials token). Any status
   * below 500 is returned for the caller to judge; unreachable, timeout and 5xx throw
   * IdentityProviderUnavailable.
   */
  async postAsService(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    let res = await this.call('POST', path, body, await this.bearer());
    if (res.status === 401) {
      // Our token expired early or the issuer's keys rotated: renew once, then give up.
      this.serviceToken = undefined;
      res = await this.call('POST', path, body, await this.bearer());
    }
    return res;
  }

  private async bearer(): Promise<string> {
    if (this.serviceToken && Date.now() < this.serviceToken.renewAt) return this.serviceToken.value;
    if (this.serviceTokenFailure && Date.now() < this.serviceTokenFailure.until)
      throw this.serviceTokenFailure.error;
    this.serviceTokenInFlight ??= this.fetchServiceToken()
      .catch((err: unknown) => {
        const error =
          err instanceof IdentityProviderUnavailable ? err : new IdentityProviderUnavailable(String(err));
        this.serviceTokenFailure = { error, until: Date.now() + this.options.retryAfterS * 1000 };
        throw error;
      })
      .finally(() => (this.serviceTokenInFlight = undefined));
    return this.serviceTokenInFlight;
  }

  private async fetchServiceToken(): Promise<string> {
    const { clientId, clientSecret } = this.options;
    if (!clientSecret) throw this.unavailable('SSO is not configured (SSO_CLIENT_SECRET is unset)');
    const res = await this.call('POST', '/api/v1/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    const body = res.body as { access_token?: unknown; expires_in?: unknown };
    if (res.status === 400 || res.status === 401) {
      this.logger.error(
        `api-server refused the SSO client "${clientId}"; check SSO_CLIENT_ID/SSO_CLIENT_SECRET`,
      );
      throw this.unavailable(`the token endpoint answered ${res.status}`);
    }
    if (res.status !== 200 || typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw this.unavailable(`the token endpoint answered ${res.status}`);
    }
    const lifetimeS = Math.max(0, body.expires_in - SERVICE_TOKEN_MARGIN_S);
    this.serviceToken = { value: body.access_token, renewAt: Date.now() + lifetimeS * 1000 };
    this.serviceTokenFailure = undefined;
    return body.access_token;
  }

  private async call(method: 'GET' | 'POST', path: string, json?: unknown, bearer?: string) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.options.apiServerUrl}${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        dispatcher: this.pool,
      });
      status = res.statusCode;
      // Always read the body: an unread one keeps the connection from going back to the pool.
      text = await res.body.text();
    } catch (err) {
      const reason = TIMEOUT_CODES.has((err as { code?: string }).code ?? '')
        ? `timed out after ${this.options.timeoutMs} ms`
        : describe(err);
      throw this.unavailable(`${method} ${path}: ${reason}`);
    }
    if (status >= 500) throw this.unavailable(`${method} ${path} answered ${status}`);
    if (this.down) this.logger.log('api-server is reachable again');
    this.down = false;
    return { status, body: parseJson(text) };
  }

  /** Logs the first failure of an outage, not every request that runs into it. */
  private unavailable(reason: string): IdentityProviderUnavailable {
    if (!this.down) this.logger.warn(`api-server unavailable for SSO: ${reason}`);
    this.down = true;
    return new IdentityProviderUnavailable(reason);
  }
}

function describe(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  return code ?? message ?? String(err);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
