import { Injectable } from '@nestjs/common';
import type { SyndicationPortal } from '@ppt/db';
import { OpenImmoAdapter, SrealityAdapter, WebhookAdapter, type PortalAdapter } from '@ppt/syndication';
import { RealityPortalAdapter } from './reality-portal.adapter';

/** Every portal's adapter; the Record type makes a portal without one a compile error. */
@Injectable()
export class PortalAdapters {
  private readonly adapters: Record<SyndicationPortal, PortalAdapter>;

  constructor(realityPortal: RealityPortalAdapter) {
    this.adapters = {
      'reality-portal': realityPortal,
      sreality: new SrealityAdapter() as unknown as PortalAdapter,
      openimmo: new OpenImmoAdapter() as unknown as PortalAdapter,
      webhook: new WebhookAdapter() as unknown as PortalAdapter,
    };
  }

  get(portal: SyndicationPortal): PortalAdapter {
    return this.adapters[portal];
  }
}
