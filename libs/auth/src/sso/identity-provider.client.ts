import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { IdentityProviderUnavailable } from './sso.errors';
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

/**
 * The portal's HTTP client for api-server: JWKS, introspection and other calls with the portal's
 * own client-credentials token, and liveness. Every call has a short deadline; a network error, a
 * timeout, a 5xx or a refused client all surface as IdentityProviderUnavailable.
 */
@Injectable()
export class IdentityProviderClient {
  private readonly logger = new Logger('SsoIdentityProvider');
  private serviceToken?: { value: string; renewAt: number };
  private serviceTokenInFlight?: Promise<string>;
  /** A failed token request is not retried for a while: each attempt costs api-server an argon2 check. */
  private serviceTokenFailure?: { error: IdentityProviderUnavailable; until: number };
  private down = false;

  constructor(@Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions) {}

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
    const res = await this.postAsService('/api/v1/auth/introspect', { token });
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
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(`${this.options.apiServerUrl}${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await res.json().catch(() => undefined);
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError'
          ? `timed out after ${this.options.timeoutMs} ms`
          : describe(err);
      throw this.unavailable(`${method} ${path}: ${reason}`);
    }
    if (res.status >= 500) throw this.unavailable(`${method} ${path} answered ${res.status}`);
    if (this.down) this.logger.log('api-server is reachable again');
    this.down = false;
    return { status: res.status, body };
  }

  /** Logs the first failure of an outage, not every request that runs into it. */
  private unavailable(reason: string): IdentityProviderUnavailable {
    if (!this.down) this.logger.warn(`api-server unavailable for SSO: ${reason}`);
    this.down = true;
    return new IdentityProviderUnavailable(reason);
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
