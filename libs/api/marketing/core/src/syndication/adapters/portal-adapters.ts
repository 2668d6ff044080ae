import { Injectable } from '@nestjs/common';
import type { SyndicationPortal } from '@ppt/api-db';
import { OpenImmoAdapter, SrealityAdapter, WebhookAdapter, type PortalAdapter } from '@ppt/syndication';
import { PortalHttp } from './portal-http';
import { RealityPortalAdapter } from './reality-portal.adapter';

/** Every portal's adapter; the Record type makes a portal without one a compile error. */
@Injectable()
export class PortalAdapters {
  private readonly adapters: Record<SyndicationPortal, PortalAdapter>;

  constructor(realityPortal: RealityPortalAdapter, http: PortalHttp) {
    this.adapters = {
      'reality-portal': realityPortal,
      sreality: new SrealityAdapter(http) as unknown as PortalAdapter,
      openimmo: new OpenImmoAdapter(http) as unknown as PortalAdapter,
      webhook: new WebhookAdapter(http) as unknown as PortalAdapter,
    };
  }

  get(portal: SyndicationPortal): PortalAdapter {
    return this.adapters[portal];
  }
}
