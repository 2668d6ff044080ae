import { Injectable, Logger } from '@nestjs/common';
import { type ListingSyndication, type SyndicationPortal } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { verifyWebhook } from '@ppt/syndication';
import type { IncomingHttpHeaders } from 'node:http';
import type { EntityManager } from 'typeorm';
import { LeadRouting } from '../../leads/lead-routing';
import { PortalStatsRepository } from '../portal-stats.repository';
import { PortalTargetsService } from '../portal-targets.service';
import { SyndicationError, SyndicationErrorCode } from '../syndication.errors';
import { SyndicationRepository } from '../syndication.repository';
import { SyndicationService } from '../syndication.service';
import { PortalWebhooksRepository } from './portal-webhooks.repository';
import type { PortalWebhookAck } from './portal-webhook.dto';
import { portalInquiryUuid } from './uuid-v5';
import { isKnownType, readEnvelope, readEvent, type PortalEvent } from './portal-webhook-events';

/** Standard Webhooks' tolerance, both ways: older is a replay, newer a clock we cannot trust. */
const TOLERANCE_S = 5 * 60;

/** Error codes a portal-side removal leaves on the row (a manager's retry lists the advert again). */
const PORTAL_SIDE_CODES: Record<'removed' | 'rejected', string> = {
  removed: 'PORTAL_REMOVED',
  rejected: 'PORTAL_REJECTED',
};

interface Verified {
  row: ListingSyndication;
  eventId: string;
}

/**
 * Events portals send us about our adverts. The portal's advert id names the organisation; only that
 * organisation's secrets for that portal can authenticate the event, so a portal (or a secret) of one
 * organisation never touches another's listings. Receipt and effect are written in one tenant
 * transaction: the receipt's unique index makes a repeated event id a no-op.
 */
@Injectable()
export class PortalWebhooksService {
  private readonly logger = new Logger(PortalWebhooksService.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly targets: PortalTargetsService,
    private readonly stats: PortalStatsRepository,
    private readonly syndications: SyndicationRepository,
    private readonly syndication: SyndicationService,
    private readonly webhooks: PortalWebhooksRepository,
    private readonly leads: LeadRouting,
  ) {}

  async receive(
    portal: SyndicationPortal,
    rawBody: Buffer | undefined,
    body: unknown,
    headers: IncomingHttpHeaders,
  ): Promise<PortalWebhookAck> {
    if (!rawBody) {
      throw new SyndicationError(
        SyndicationErrorCode.WebhookNotJson,
        'Portal webhooks are JSON: send Content-Type: application/json',
      );
    }
    const eventId = this.checkHeaders(headers);
    const envelope = readEnvelope(body);
    if ('problems' in envelope) throw invalidPayload(envelope.problems);

    const { row } = await this.authenticate(portal, envelope.advertId, rawBody, headers, eventId);
    const ack = { eventId, type: envelope.type };

    if (!isKnownType(envelope.type)) {
      const fresh = await this.tenant.run({ organizationId: row.organizationId }, (m) =>
        this.webhooks.recordReceipt(m, row.organizationId, portal, eventId, envelope.type),
      );
      this.logger.log(
        { portal, eventId, type: envelope.type, organizationId: row.organizationId },
        'Portal webhook of an unknown type acknowledged and ignored',
      );
      return { ...ack, status: fresh ? 'ignored' : 'duplicate' };
    }
    const event = readEvent(envelope.type, envelope.data);
    if ('problems' in event) throw invalidPayload(event.problems);

    return this.tenant.run({ organizationId: row.organizationId }, async (m) => {
      if (!(await this.webhooks.recordReceipt(m, row.organizationId, portal, eventId, event.type))) {
        return { ...ack, status: 'duplicate' as const };
      }
      await this.apply(m, row, event);
      return { ...ack, status: 'applied' as const };
    });
  }

  /** The Standard Webhooks headers are there and the timestamp is fresh; returns the event id. */
  private checkHeaders(headers: IncomingHttpHeaders): string {
    const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) =>
      single(headers[name]),
    );
    if (!id || !timestamp || !signature || id.length > 200 || !/^\d{1,12}$/.test(timestamp)) {
      throw new SyndicationError(
        SyndicationErrorCode.WebhookSignatureInvalid,
        'webhook-id, webhook-timestamp and webhook-signature headers are required (Standard Webhooks)',
      );
    }
    // Checked before anything is looked up, so the answer does not depend on whether the advert exists.
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_S) throw stale();
    return id;
  }

  /**
   * Finds the advert and verifies the signature with its organisation's inbound secrets for this
   * portal. An unknown advert and a wrong signature get the same 401: nothing unverified learns
   * which adverts exist, and a portal with a wrong secret sees its deliveries fail.
   */
  private async authenticate(
    portal: SyndicationPortal,
    advertId: string,
    rawBody: Buffer,
    headers: IncomingHttpHeaders,
    eventId: string,
  ): Promise<Verified> {
    const { adverts, targets } = await this.tenant.runPlatform('portal-webhook', async (m) => {
      const found = await this.webhooks.advertsOf(m, portal, advertId);
      const orgs = [...new Set(found.map((r) => r.organizationId))];
      return { adverts: found, targets: await this.webhooks.targetsOf(m, portal, orgs) };
    });
    let sawStale = false;
    for (const row of adverts) {
      const target = targets.find((t) => t.organizationId === row.organizationId);
      const secrets = target ? this.secretsOf(target) : [];
      if (secrets.length === 0) {
        this.logger.warn(
          { portal, organizationId: row.organizationId, eventId },
          'Portal webhook for an advert whose organisation set no inbound secrets for the portal',
        );
        continue;
      }
      const check = verifyWebhook(secrets, rawBody, headers);
      if (check.ok) return { row, eventId };
      if (check.reason === 'stale') sawStale = true;
    }
    if (sawStale) throw stale();
    throw new SyndicationError(
      SyndicationErrorCode.WebhookSignatureInvalid,
      'Unknown advert or bad signature',
    );
  }

  private secretsOf(target: Parameters<PortalTargetsService['inboundSecrets']>[0]): string[] {
    try {
      return this.targets.inboundSecrets(target);
    } catch (err) {
      // Sealed under a key no longer in SECRETS_ENCRYPTION_KEYS: the organisation must set them again.
      this.logger.error(
        { err, portal: target.portal, organizationId: target.organizationId },
        'Inbound webhook secrets cannot be opened',
      );
      return [];
    }
  }

  private async apply(m: EntityManager, row: ListingSyndication, event: PortalEvent): Promise<void> {
    const at = { organizationId: row.organizationId, listingId: row.listingId, portal: row.portal };
    switch (event.type) {
      case 'listing.viewed':
        return this.stats.add(m, { ...at, day: dayOf(event.data.at), views: event.data.count ?? 1 });
      case 'listing.favorited':
        return this.stats.add(m, { ...at, day: dayOf(event.data.at), favorites: event.data.count ?? 1 });
      case 'listing.inquiry': {
        const d = event.data;
        const created = await this.webhooks.storeInquiry(m, {
          organizationId: row.organizationId,
          listingId: row.listingId,
          portalInquiryId: portalInquiryUuid(row.portal, d.inquiryId),
          visitorUserId: null,
          name: d.name,
          email: d.email,
          phone: d.phone ?? null,
          message: d.message,
        });
        // The same inquiry delivered again under a new event id counts once.
        if (created) {
          await this.stats.add(m, { ...at, day: dayOf(undefined), inquiries: 1 });
          await this.leads.routeNew(m, row.organizationId, created);
        }
        return;
      }
      case 'listing.status_changed':
        return this.portalStatus(m, row, event.data.status, event.data.reason ?? null);
    }
  }

  /**
   * The portal took our advert down (or put it back). Only what we want listed and the portal last
   * confirmed is affected: while a newer version is on its way (pending, syncing) that job's answer is
   * the newer truth, and what we asked to remove may well be gone.
   */
  private async portalStatus(
    m: EntityManager,
    found: ListingSyndication,
    status: 'active' | 'removed' | 'rejected',
    reason: string | null,
  ): Promise<void> {
    const row = await this.syndications.lockOne(m, found.organizationId, found.listingId, found.portal);
    if (!row || row.wanted !== 'listed') return;
    if (status === 'active') {
      const portalSide = Object.values(PORTAL_SIDE_CODES).includes(row.lastErrorCode ?? '');
      if (row.status === 'failed' && portalSide) {
        await this.syndication.move(m, row, 'active', `${row.portal} shows the advert again`, {
          lastErrorCode: null,
          lastError: null,
        });
      }
      return;
    }
    if (row.status !== 'active' && row.status !== 'failed') return;
    const code = PORTAL_SIDE_CODES[status];
    const message = reason ?? `${row.portal} ${status} the advert`;
    await this.syndication.move(m, row, 'failed', `${code}: ${message}`, {
      lastErrorCode: code,
      lastError: message,
    });
  }
}

/** The UTC day of an event (now when the portal gave no time). A time in the future is refused. */
function dayOf(at: string | undefined): string {
  const when = at ? new Date(at) : new Date();
  if (when.getTime() > Date.now() + TOLERANCE_S * 1000) {
    throw invalidPayload([{ field: 'data.at', message: 'at must not be in the future' }]);
  }
  return when.toISOString().slice(0, 10);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stale(): SyndicationError {
  return new SyndicationError(
    SyndicationErrorCode.WebhookTimestampStale,
    'webhook-timestamp is more than 5 minutes away from now',
  );
}

function invalidPayload(details: { field?: string; message: string }[]): SyndicationError {
  return new SyndicationError(
    SyndicationErrorCode.WebhookPayloadInvalid,
    'The webhook payload does not match the portal event contract',
    details,
  );
}
