import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { GuardedHttp } from '@ppt/outbound';
import { SyndicationEnv } from '../syndication.env';

/**
 * The guarded agent of this process's calls to organisation-configured URLs (portal endpoints,
 * webhooks): the adapters call through it, and endpoints are judged by it when they are saved.
 */
@Injectable()
export class PortalHttp extends GuardedHttp implements OnApplicationShutdown {
  constructor(@Inject(SyndicationEnv) env: SyndicationEnv) {
    super({
      allowedCidrs: env.OUTBOUND_ALLOWED_CIDRS,
      maxResponseBytes: env.OUTBOUND_MAX_RESPONSE_BYTES,
      timeoutMs: env.SYNDICATION_PORTAL_TIMEOUT_MS,
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
