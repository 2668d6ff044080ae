import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SavedSearch, SavedSearchAlert } from '@ppt/portal-db';
import { AppError, registerErrorCodes } from '@ppt/observability';
import { NotificationJob, QueueName, type SavedSearchAlertData } from '@ppt/queue';
import type { Queue } from 'bull';
import type { SearchListingsQueryDto } from '../listings/dto/search.dto';
import { PortalListingsService } from '../listings/portal-listings.service';
import { RealityServerEnv } from '../../reality-server.env';
import { AlertTokens } from './alert-token';
import { SavedSearchAlertsRepository } from './saved-search-alerts.repository';

registerErrorCodes({ SAVED_SEARCH_NOT_FOUND: 404, INVALID_UNSUBSCRIBE_TOKEN: 400 });

/** Matches per search in one e-mail (the visitor opens the search for the rest). */
const LISTINGS_PER_SEARCH = 10;
/** Searches handled per pass; the rest stay due for the next one. */
const SEARCHES_PER_PASS = 5000;

/**
 * Saved-search alerts: the visitor's choice (off, instant, daily), the scheduled collection of new
 * matches (listings published after the search's watermark) into one e-mail per visitor and pass,
 * and the one-click unsubscribe. The e-mail itself is sent by api-server's worker (notifications
 * queue), which holds the visitor's address; the portal never stores it.
 */
@Injectable()
export class SavedSearchAlertsService {
  private readonly logger = new Logger(SavedSearchAlertsService.name);
  readonly tokens: AlertTokens | null;

  constructor(
    private readonly searches: SavedSearchAlertsRepository,
    private readonly listings: PortalListingsService,
    @InjectQueue(QueueName.Notifications) private readonly notifications: Queue,
    @Inject(RealityServerEnv) private readonly env: RealityServerEnv,
  ) {
    this.tokens = env.SAVED_SEARCH_ALERT_SECRET ? new AlertTokens(env.SAVED_SEARCH_ALERT_SECRET) : null;
  }

  async setAlert(userId: string, id: string, alert: SavedSearchAlert): Promise<SavedSearch> {
    const saved = await this.searches.setAlert(userId, id, alert);
    if (!saved) throw new AppError('SAVED_SEARCH_NOT_FOUND', 404, 'Saved search not found');
    return saved;
  }

  async unsubscribe(token: string): Promise<{ unsubscribed: number }> {
    const claim = this.tokens?.verify(token);
    if (!claim) throw new AppError('INVALID_UNSUBSCRIBE_TOKEN', 400, 'This unsubscribe link is not valid');
    return { unsubscribed: await this.searches.turnOff(claim.userId, claim.searchId) };
  }

  /** One pass: new matches of every due search, one e-mail job per visitor. */
  async collect(now = new Date()): Promise<{ searches: number; emails: number }> {
    if (!this.tokens) return { searches: 0, emails: 0 };
    const due = await this.searches.due(now, SEARCHES_PER_PASS);
    const byUser = new Map<string, SavedSearch[]>();
    for (const s of due) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
    let emails = 0;
    for (const [userId, searches] of byUser) {
      try {
        const sections: SavedSearchAlertData['searches'] = [];
        for (const search of searches) {
          const since = search.alertedUntil ?? search.createdAt;
          const page = await this.listings.search({
            ...(search.filters as Partial<SearchListingsQueryDto>),
            sort: '-date',
            limit: 50,
            offset: 0,
          } as SearchListingsQueryDto);
          const fresh = page.items
            .filter((l) => l.publishedAt !== null && new Date(l.publishedAt) > since)
            .slice(0, LISTINGS_PER_SEARCH);
          if (fresh.length === 0) continue;
          sections.push({
            name: search.name,
            unsubscribeUrl: this.unsubscribeUrl(userId, search.id),
            listings: fresh.map((l) => ({
              title: l.title,
              url: `${this.env.PORTAL_WEB_URL.replace(/\/$/, '')}/listings/${l.id}`,
              price: `${(l.priceAmount / 100).toFixed(0)} ${l.currency}`,
              city: l.city,
            })),
          });
        }
        if (sections.length > 0) {
          await this.notifications.add(
            NotificationJob.SavedSearchAlert,
            { userId, unsubscribeAllUrl: this.unsubscribeUrl(userId, '*'), searches: sections },
            { jobId: `saved-search-alert:${userId}:${now.toISOString()}` },
          );
          emails += 1;
        }
        await this.searches.markAlerted(
          searches.map((s) => s.id),
          now,
        );
      } catch (err) {
        this.logger.error(`Saved-search alerts of visitor ${userId} failed: ${(err as Error).message}`);
      }
    }
    return { searches: due.length, emails };
  }

  private unsubscribeUrl(userId: string, searchId: string): string {
    const token = (this.tokens as AlertTokens).sign({ userId, searchId });
    return `${this.env.REALITY_PUBLIC_URL.replace(/\/$/, '')}/api/v1/saved-searches/unsubscribe?token=${token}`;
  }
}
