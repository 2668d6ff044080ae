/** The monthly budget window (calendar month, UTC) that `now` falls in. */
export function budgetWindow(now: Date): { start: Date; resetsAt: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, resetsAt };
}

export interface BudgetLimits {
  /** Tokens (prompt + completion) per month; null = no limit. */
  monthlyTokenBudget: number | null;
  /** Cost per month in micro-units of the currency; null = no limit. */
  monthlyCostBudgetMicros: number | null;
}

export interface UsageSoFar {
  tokens: number;
  costMicros: number;
}

/** Which limit the month's usage has reached (a request that would start over it is refused). */
export function exhaustedBudget(limits: BudgetLimits, used: UsageSoFar): 'tokens' | 'cost' | null {
  if (limits.monthlyTokenBudget !== null && used.tokens >= limits.monthlyTokenBudget) return 'tokens';
  if (limits.monthlyCostBudgetMicros !== null && used.costMicros >= limits.monthlyCostBudgetMicros)
    return 'cost';
  return null;
}

/** Prices per million tokens (micro-units) → the cost of one call in micro-units, rounded up. */
export function costMicros(
  usage: { inputTokens: number; outputTokens: number },
  prices: { inputPerMillionMicros: number; outputPerMillionMicros: number },
): number {
  return Math.ceil(
    (usage.inputTokens * prices.inputPerMillionMicros + usage.outputTokens * prices.outputPerMillionMicros) /
      1_000_000,
  );
}
