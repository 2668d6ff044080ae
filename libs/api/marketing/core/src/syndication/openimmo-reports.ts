import { Inject, Injectable, Logger } from '@nestjs/common';
import { PortalTarget } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { OpenImmoAdapter, OpenImmoReport } from '@ppt/syndication';
import { SyndicationEnv } from './syndication.env';
import { LeadRouting } from '../leads/lead-routing';
import { PortalAdapters } from './adapters/portal-adapters';
import { PortalStatsRepository } from './portal-stats.repository';
import { PortalTargetsService } from './portal-targets.service';
import { SyndicationRepository } from './syndication.repository';
import { SyndicationService } from './syndication.service';
import { PortalWebhooksRepository } from './webhooks/portal-webhooks.repository';
import { portalInquiryUuid } from './webhooks/uuid-v5';
import { QueueName, Scheduled, SyndicationJob } from '@ppt/queue';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface OpenImmoReportsSummary {
  organizations: number;
  /** Reports applied (and deleted on the import server). */
  applied: number;
  /** Files in the reports folder that are not reports (left there). */
  skipped: number;
  /** Reports left for the next pass (the per-pass cap, MAX_REPORTS_PER_PASS per organisation). */
  deferred: number;
  /** Adverts the reports refused, now `failed` with PORTAL_REJECTED. */
  refused: number;
  /** New inquiries stored from the reports. */
  inquiries: number;
  failed: { organizationId: string; error: string }[];
}

/**
 * ImmoScout24 and immowelt answer an FTP/SFTP transfer later, with import reports (OpenImmo
 * feedback XML) in a folder of the import server. Each report is applied in the organisation's
 * tenant transaction, then deleted there:
 * - an error about one of our objects (`objekt_id` = our listing id) turns a settled `active` row
 *   into `failed` with PORTAL_REJECTED and our own status line (the portal's words go to the log:
 *   a remote text never reaches what a user reads); a manager's retry sends it again. Rows in flight
 *   are left alone: their job carries a newer version than the transfer the report is about.
 * - an inquiry about one of our listings is stored once per portal inquiry id (a report read twice
 *   after a crash adds nothing), like a webhook inquiry.
 */
@Injectable()
export class OpenImmoReports {
  private readonly logger = new Logger(OpenImmoReports.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly targets: PortalTargetsService,
    private readonly adapters: PortalAdapters,
    private readonly rows: SyndicationRepository,
    private readonly syndication: SyndicationService,
    private readonly webhooks: PortalWebhooksRepository,
    private readonly stats: PortalStatsRepository,
    private readonly leads: LeadRouting,
    @Inject(SyndicationEnv) private readonly env: SyndicationEnv,
  ) {}

  /**
   * Every organisation with OpenImmo enabled; one failing import server does not stop the others.
   * Every 10 minutes: portals process uploads within minutes; their verdicts (and leads) should not wait
   * for the night.
   */
  @Scheduled({
    job: SyndicationJob.ReadPortalReports,
    cron: '*/10 * * * *',
    scope: 'syndication-reconcile',
    queue: QueueName.Syndication,
    attempts: 1,
  })
  async readAll(): Promise<OpenImmoReportsSummary> {
    const organizations = await this.tenant.runPlatformJob((m) =>
      m
        .createQueryBuilder(PortalTarget, 't')
        .select('t.organization_id', 'organizationId')
        .where("t.enabled = true AND t.portal = 'openimmo'")
        .orderBy('t.organization_id', 'ASC')
        .getRawMany<{ organizationId: string }>(),
    );
    const summary: OpenImmoReportsSummary = {
      organizations: organizations.length,
      applied: 0,
      skipped: 0,
      deferred: 0,
      refused: 0,
      inquiries: 0,
      failed: [],
    };
    for (const { organizationId } of organizations) {
      try {
        const result = await this.read(organizationId);
        summary.applied += result.applied;
        summary.skipped += result.skipped;
        summary.deferred += result.deferred;
        summary.refused += result.refused;
        summary.inquiries += result.inquiries;
      } catch (err) {
        const error = (err as Error)?.message ?? String(err);
        summary.failed.push({ organizationId, error });
        this.logger.warn(`OpenImmo reports of organisation ${organizationId} could not be read: ${error}`);
      }
    }
    return summary;
  }

  /** One organisation's reports. */
  async read(
    organizationId: string,
  ): Promise<{ applied: number; skipped: number; deferred: number; refused: number; inquiries: number }> {
    const target = await this.tenant.run({ organizationId }, (m) =>
      this.targets.get(m, organizationId, 'openimmo'),
    );
    const counts = { refused: 0, inquiries: 0 };
    if (!target?.enabled) return { applied: 0, skipped: 0, deferred: 0, ...counts };
    const adapter = this.adapters.get('openimmo') as unknown as OpenImmoAdapter;
    const result = await adapter.readReports(
      {
        organizationId,
        credentials: target.credentials as never,
        options: {
          timeoutMs: this.env.SYNDICATION_PORTAL_TIMEOUT_MS,
          ...target.options,
        } as never,
      },
      async (report) => {
        const applied = await this.apply(organizationId, report);
        counts.refused += applied.refused;
        counts.inquiries += applied.inquiries;
      },
    );
    return { ...result, ...counts };
  }

  private apply(
    organizationId: string,
    report: OpenImmoReport,
  ): Promise<{ refused: number; inquiries: number }> {
    return this.tenant.run({ organizationId }, async (m) => {
      let refused = 0;
      let inquiries = 0;
      for (const error of report.errors) {
        if (!error.objectId || !UUID.test(error.objectId)) continue;
        const row = await this.rows.lockOne(m, organizationId, error.objectId, 'openimmo');
        if (!row || row.wanted !== 'listed' || row.status !== 'active') continue;
        const message = `OpenImmo import report: error ${error.code ?? 'without a number'}`;
        this.logger.warn(
          { organizationId, listingId: row.listingId, report: report.fileName, portalText: error.text },
          'OpenImmo import report refused an advert',
        );
        await this.syndication.move(m, row, 'failed', `PORTAL_REJECTED: ${message}`, {
          lastErrorCode: 'PORTAL_REJECTED',
          lastError: message,
        });
        refused++;
      }
      for (const inquiry of report.inquiries) {
        if (!inquiry.objectId || !UUID.test(inquiry.objectId) || !inquiry.inquiryId) continue;
        if (!inquiry.email || !EMAIL.test(inquiry.email) || inquiry.email.length > 320) continue;
        const row = await this.rows.lockOne(m, organizationId, inquiry.objectId, 'openimmo');
        if (!row) continue;
        const created = await this.webhooks.storeInquiry(m, {
          organizationId,
          listingId: row.listingId,
          portalInquiryId: portalInquiryUuid('openimmo', inquiry.inquiryId),
          visitorUserId: null,
          name: (inquiry.name || inquiry.email).slice(0, 200),
          email: inquiry.email,
          phone: inquiry.phone?.slice(0, 40) ?? null,
          message: (inquiry.message ?? '').slice(0, 5000) || '(no message)',
        });
        if (created) {
          inquiries++;
          await this.leads.routeNew(m, organizationId, created);
          await this.stats.add(m, {
            organizationId,
            listingId: row.listingId,
            portal: 'openimmo',
            day: new Date().toISOString().slice(0, 10),
            inquiries: 1,
          });
        }
      }
      return { refused, inquiries };
    });
  }
}
