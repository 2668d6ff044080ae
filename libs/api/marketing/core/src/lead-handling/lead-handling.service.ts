import { Injectable } from '@nestjs/common';
import { can, grantOf, Permission } from '@ppt/auth';
import { createRateLimiter, RedisConnections, withinLimit, type LimitPolicy } from '@ppt/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { type ListingInquiryReply } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import type { Page } from '@ppt/http';
import type { EntityManager } from 'typeorm';
import { IdempotencyKeys, scopeOf, type IdempotentAnswer, type Tenant } from '@ppt/api-shared';
import type {
  ChangeLeadStatusDto,
  LeadReplyResponse,
  LeadResponse,
  ListLeadsQueryDto,
  ReplyToLeadDto,
} from './dto/lead.dto';
import { LeadError, LeadErrorCode } from './lead-handling.errors';
import { LeadHandlingRepository, type LeadRow } from './lead-handling.repository';

/**
 * The realtor's side of a lead (an inquiry about a listing): the inbox with a status filter, replies
 * (e-mailed to the inquirer by the api worker through the outbox event `listing.inquiry_replied`,
 * and shown on our portal to a signed-in visitor) and marking a lead handled or open again.
 * Managers see every lead; a realtor the leads of the listings they are the contact of (as listings).
 */
/** Replies one realtor may send per hour (each one is an e-mail to an inquirer from our domain). */
export const LEAD_REPLIES_PER_USER: LimitPolicy = { name: 'lead-reply-user', quota: 60, windowS: 3600 };
/** Replies to one lead per hour, whoever sends them. */
export const LEAD_REPLIES_PER_LEAD: LimitPolicy = { name: 'lead-reply-lead', quota: 5, windowS: 3600 };

@Injectable()
export class LeadHandlingService {
  private readonly perUser: RateLimiterRedis;
  private readonly perLead: RateLimiterRedis;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly leads: LeadHandlingRepository,
    private readonly outbox: OutboxWriter,
    private readonly idempotency: IdempotencyKeys,
    redis: RedisConnections,
  ) {
    const limiter = (p: LimitPolicy) => createRateLimiter(redis, p.name, p.quota, p.windowS);
    this.perUser = limiter(LEAD_REPLIES_PER_USER);
    this.perLead = limiter(LEAD_REPLIES_PER_LEAD);
  }

  list(t: Tenant, query: ListLeadsQueryDto): Promise<Page<LeadResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [rows, total] = await this.leads.list(
        m,
        t.organizationId,
        {
          status: query.status,
          listingId: query.listingId,
          contactUserId: grantOf(t, Permission.ListingManage) === 'all' ? undefined : t.userId,
        },
        query,
      );
      return { items: await this.withReplies(m, t, rows), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<LeadResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const row = await this.mustFind(m, t, id);
      return (await this.withReplies(m, t, [row]))[0] as LeadResponse;
    });
  }

  /**
   * Stores the reply (a new lead becomes replied) and asks the worker to e-mail it to the inquirer.
   * With an Idempotency-Key a repeated request gets the first answer again (one reply, one e-mail);
   * replies are limited per sender and per lead (429 RATE_LIMITED), counted only when one is stored.
   */
  reply(
    t: Tenant,
    id: string,
    dto: ReplyToLeadDto,
    idempotencyKey?: string,
  ): Promise<IdempotentAnswer<LeadReplyResponse>> {
    return this.tenant.run(scopeOf(t), (m) =>
      this.idempotency.once(
        m,
        t,
        { key: idempotencyKey, operation: 'lead.reply', payload: { leadId: id, ...dto } },
        201,
        () => this.replyIn(m, t, id, dto),
      ),
    );
  }

  private async replyIn(
    m: EntityManager,
    t: Tenant,
    id: string,
    dto: ReplyToLeadDto,
  ): Promise<LeadReplyResponse> {
    const row = await this.mustFind(m, t, id, true);
    await withinLimit('replies of this user', LEAD_REPLIES_PER_USER, () =>
      this.perUser.consume(`${t.organizationId}:${t.userId}`),
    );
    await withinLimit('replies to this lead', LEAD_REPLIES_PER_LEAD, () =>
      this.perLead.consume(`${t.organizationId}:${id}`),
    );
    const reply = await this.leads.addReply(m, t.organizationId, {
      inquiryId: id,
      authorUserId: t.userId,
      message: dto.message,
    });
    if (row.inquiry.status === 'new') {
      await this.leads.setState(m, t.organizationId, id, {
        status: 'replied',
        handledAt: null,
        handledByUserId: null,
      });
    }
    await this.outbox.write(m, {
      type: 'listing.inquiry_replied',
      organizationId: t.organizationId,
      aggregateId: row.inquiry.listingId,
      aggregateVersion: row.listingVersion,
      payload: { listingId: row.inquiry.listingId, inquiryId: id, replyId: reply.id },
    });
    return toReply(reply);
  }

  /** `handled`: who and when are kept; `open`: back to replied (if answered) or new. */
  changeStatus(t: Tenant, id: string, dto: ChangeLeadStatusDto): Promise<LeadResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const row = await this.mustFind(m, t, id, true);
      if (dto.status === 'handled') {
        if (row.inquiry.status !== 'handled') {
          await this.leads.setState(m, t.organizationId, id, {
            status: 'handled',
            handledAt: new Date(),
            handledByUserId: t.userId,
          });
        }
      } else {
        const answered = (await this.leads.replies(m, t.organizationId, [id])).length > 0;
        await this.leads.setState(m, t.organizationId, id, {
          status: answered ? 'replied' : 'new',
          handledAt: null,
          handledByUserId: null,
        });
      }
      const updated = await this.mustFind(m, t, id);
      return (await this.withReplies(m, t, [updated]))[0] as LeadResponse;
    });
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string, forUpdate = false): Promise<LeadRow> {
    const row = await this.leads.find(m, t.organizationId, id, forUpdate);
    if (!row) throw new LeadError(LeadErrorCode.NotFound, 'Lead not found');
    // A lead of another realtor's listing is answered like a missing one: its existence is not confirmed.
    if (!can(t, Permission.ListingManage, { ownerUserId: row.contactUserId })) {
      throw new LeadError(LeadErrorCode.NotFound, 'Lead not found');
    }
    return row;
  }

  private async withReplies(m: EntityManager, t: Tenant, rows: LeadRow[]): Promise<LeadResponse[]> {
    const replies = await this.leads.replies(
      m,
      t.organizationId,
      rows.map((r) => r.inquiry.id),
    );
    return rows.map((r) => ({
      id: r.inquiry.id,
      listingId: r.inquiry.listingId,
      listingTitle: r.listingTitle,
      status: r.inquiry.status,
      name: r.inquiry.name,
      email: r.inquiry.email,
      phone: r.inquiry.phone,
      message: r.inquiry.message,
      foldedIntoId: r.inquiry.foldedIntoId,
      foldedCount: r.foldedCount,
      handledAt: r.inquiry.handledAt,
      handledByUserId: r.inquiry.handledByUserId,
      replies: replies.filter((x) => x.inquiryId === r.inquiry.id).map(toReply),
      createdAt: r.inquiry.createdAt,
    }));
  }
}

function toReply(r: ListingInquiryReply): LeadReplyResponse {
  return {
    id: r.id,
    authorUserId: r.authorUserId,
    message: r.message,
    emailedAt: r.emailedAt,
    createdAt: r.createdAt,
  };
}
