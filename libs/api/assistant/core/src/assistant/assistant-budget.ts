import { Inject, Injectable } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { budgetWindow, costMicros, exhaustedBudget, type ChatUsage } from '@ppt/llm';
import { AppError } from '@ppt/observability';
import { createRateLimiter, limitUnavailable, RedisConnections, withinLimit } from '@ppt/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { EntityManager } from 'typeorm';
import { AssistantEnv } from './assistant.env';
import { AssistantErrorCode } from './assistant.errors';
import type { ResolvedAssistant } from './assistant-settings.service';
import { AssistantUsageRepository } from './assistant-usage.repository';

/** How long an unsettled reservation counts at most (a process that died holding one). */
const RESERVATION_TTL_S = 15 * 60;

/**
 * What an admitted request holds until it is settled: an estimate of its tokens (and their cost)
 * counted against the month's budget while the provider works, so concurrent requests cannot all
 * start under the budget and overspend it together. `record` writes real usage to the ledger;
 * `release` gives the estimate back (idempotent; call it in a `finally`).
 */
export interface BudgetReservation {
  record(
    m: EntityManager,
    at: { organizationId: string; userId: string | null; feature: string },
    usage: ChatUsage,
  ): Promise<number>;
  release(): Promise<void>;
}

/**
 * Monthly token and cost budgets (calendar month, UTC) over the usage ledger plus the reservations of
 * requests in flight (Redis INCRBY, atomic), the organisation's requests-per-minute limit and each
 * user's own (Redis). Checked before a call; usage recorded after, whatever becomes of the call.
 */
@Injectable()
export class AssistantBudget {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly usage: AssistantUsageRepository,
    private readonly redis: RedisConnections,
    @Inject(AssistantEnv) private readonly env: AssistantEnv,
  ) {}

  /**
   * 429 RATE_LIMITED (the user's or the organisation's requests per minute), or 429
   * AI_BUDGET_EXCEEDED (with when it resets) when the month's usage plus what is in flight has
   * reached a budget; otherwise a reservation of `estimatedTokens` for this request.
   */
  async admit(
    organizationId: string,
    userId: string,
    settings: ResolvedAssistant,
    estimatedTokens: number,
    now = new Date(),
  ): Promise<BudgetReservation> {
    await this.limit('user', userId, this.env.ASSISTANT_USER_REQUESTS_PER_MINUTE, 'AI requests of this user');
    return this.admitForOrganization(organizationId, settings, estimatedTokens, { countRequest: true, now });
  }

  /**
   * The same admission without a user (work the platform does for the organisation: embedding its
   * documents): the organisation's requests per minute when `countRequest`, and its budgets with
   * everything in flight. A question's embedding is part of a request already counted
   * (`countRequest: false`).
   */
  async admitForOrganization(
    organizationId: string,
    settings: ResolvedAssistant,
    estimatedTokens: number,
    { countRequest, now = new Date() }: { countRequest: boolean; now?: Date },
  ): Promise<BudgetReservation> {
    const rpm = settings.requestsPerMinute;
    if (countRequest && rpm !== null)
      await this.limit('org', organizationId, rpm, 'AI requests of this organisation');

    const { start, resetsAt } = budgetWindow(now);
    const month = start.toISOString().slice(0, 7);
    const tokensKey = `assistant:inflight:${organizationId}:${month}:tokens`;
    const costKey = `assistant:inflight:${organizationId}:${month}:cost`;
    const estimate = { tokens: Math.max(1, Math.ceil(estimatedTokens)), cost: 0 };
    estimate.cost = costMicros({ inputTokens: estimate.tokens, outputTokens: 0 }, settings.prices);
    const client = this.redis.get('assistant-budget');
    let inflight: { tokens: number; costMicros: number };
    try {
      // INCRBY is atomic: of concurrent requests, each sees the ones reserved before it.
      const results = await client
        .multi()
        .incrby(tokensKey, estimate.tokens)
        .incrby(costKey, estimate.cost)
        .expire(tokensKey, RESERVATION_TTL_S)
        .expire(costKey, RESERVATION_TTL_S)
        .exec();
      if (!results || results.some(([err]) => err)) throw new Error('reservation failed');
      inflight = {
        tokens: Number(results[0][1]) - estimate.tokens,
        costMicros: Number(results[1][1]) - estimate.cost,
      };
    } catch {
      throw limitUnavailable('The AI budget check');
    }
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await client
        .multi()
        .decrby(tokensKey, estimate.tokens)
        .decrby(costKey, estimate.cost)
        .exec()
        .catch(() => undefined); // the key expires anyway
    };
    try {
      const recorded = await this.tenant.run({ organizationId }, (m) =>
        this.usage.since(m, organizationId, start),
      );
      const exhausted = exhaustedBudget(settings.limits, {
        tokens: recorded.tokens + inflight.tokens,
        costMicros: recorded.costMicros + inflight.costMicros,
      });
      if (exhausted) {
        const seconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
        throw new AppError(
          AssistantErrorCode.BudgetExceeded,
          429,
          `The organisation's monthly AI ${exhausted === 'tokens' ? 'token' : 'cost'} budget is used up; it resets at ${resetsAt.toISOString()}`,
          [{ field: exhausted, message: 'budget used up', resetsAt: resetsAt.toISOString() }],
          { 'Retry-After': String(seconds) },
        );
      }
    } catch (err) {
      await release();
      throw err;
    }
    return {
      record: (m, at, usage) => this.record(m, at, usage, settings),
      release,
    };
  }

  /** Adds one call to the ledger (inside the caller's transaction); returns its cost in micro-units. */
  async record(
    m: EntityManager,
    at: { organizationId: string; userId: string | null; feature: string },
    usage: ChatUsage,
    settings: ResolvedAssistant,
  ): Promise<number> {
    const cost = costMicros(usage, settings.prices);
    await this.usage.add(m, {
      ...at,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costMicros: cost,
    });
    return cost;
  }

  private async limit(scope: 'user' | 'org', key: string, rpm: number, what: string): Promise<void> {
    const name = `assistant-${scope}`;
    let limiter = this.limiters.get(`${scope}:${rpm}`);
    if (!limiter) {
      limiter = createRateLimiter(this.redis, `assistant:${scope}:${rpm}`, rpm, 60);
      this.limiters.set(`${scope}:${rpm}`, limiter);
    }
    await withinLimit(what, { name, quota: rpm, windowS: 60 }, () => limiter.consume(key));
  }
}
