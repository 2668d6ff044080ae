import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { budgetWindow, costMicros, exhaustedBudget, type ChatUsage } from '@ppt/llm';
import { AppError } from '@ppt/observability';
import { createRateLimiter, RedisConnections, withinLimit } from '@ppt/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { EntityManager } from 'typeorm';
import { AssistantErrorCode } from './assistant.errors';
import type { ResolvedAssistant } from './assistant-settings.service';
import { AssistantUsageRepository } from './assistant-usage.repository';

/**
 * Monthly token and cost budgets (calendar month, UTC) over the usage ledger, and the
 * organisation's requests-per-minute limit (Redis). Checked before a call; usage recorded after.
 */
@Injectable()
export class AssistantBudget {
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly usage: AssistantUsageRepository,
    private readonly redis: RedisConnections,
  ) {}

  /** 429 AI_BUDGET_EXCEEDED (with when it resets) or 429 RATE_LIMITED; otherwise nothing. */
  async admit(
    organizationId: string,
    userId: string,
    settings: ResolvedAssistant,
    now = new Date(),
  ): Promise<void> {
    const { start, resetsAt } = budgetWindow(now);
    const used = await this.tenant.run({ organizationId, userId }, (m) =>
      this.usage.since(m, organizationId, start),
    );
    const exhausted = exhaustedBudget(settings.limits, used);
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
    const rpm = settings.requestsPerMinute;
    if (rpm !== null) {
      const policy = { name: 'assistant-org', quota: rpm, windowS: 60 };
      await withinLimit('AI requests of this organisation', policy, () =>
        this.limiter(rpm).consume(organizationId),
      );
    }
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

  private limiter(rpm: number): RateLimiterRedis {
    let limiter = this.limiters.get(rpm);
    if (!limiter) {
      limiter = createRateLimiter(this.redis, `assistant:${rpm}`, rpm, 60);
      this.limiters.set(rpm, limiter);
    }
    return limiter;
  }
}
