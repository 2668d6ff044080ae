import { Inject, Injectable } from '@nestjs/common';
import { probe, type DependencyStatus, type ReadinessCheck } from '@ppt/observability';
import { IdentityProviderClient } from './identity-provider.client';
import { SSO_OPTIONS, type ResolvedSsoOptions } from './sso.options';

/**
 * api-server as the portal's dependency: it is live and its introspection answers our service token
 * (a made-up token must come back `{active: false}`). The result is reused for a while, so every
 * replica's probes together cost api-server a few requests a minute, whatever the probe period.
 */
@Injectable()
export class ApiServerReadiness implements ReadinessCheck {
  readonly name = 'api-server';
  private last?: { at: number; status: Promise<DependencyStatus> };
  private reached = false;

  constructor(
    @Inject(SSO_OPTIONS) private readonly options: ResolvedSsoOptions,
    private readonly provider: IdentityProviderClient,
  ) {}

  /**
   * Until api-server has answered once, a failure is not reused: every probe asks again, so a portal
   * started before api-server becomes ready as soon as api-server does, not a cache period later.
   */
  check(): Promise<DependencyStatus> {
    const now = Date.now();
    if (!this.last || now - this.last.at >= this.options.readinessCacheMs) {
      const last = { at: now, status: probe(() => this.run(), this.options.timeoutMs) };
      this.last = last;
      void last.status.then((status) => {
        if (status.status === 'up') this.reached = true;
        else if (!this.reached && this.last === last) this.last = undefined;
      });
    }
    return this.last.status;
  }

  private async run(): Promise<void> {
    await this.provider.liveness();
    const answer = await this.provider.introspect('readiness-probe');
    if (answer.active !== false) throw new Error('introspection accepted a made-up token');
  }
}
