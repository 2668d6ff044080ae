import { Injectable } from '@nestjs/common';
import { AssistantUsage } from '@ppt/api-db';
import type { UsageSoFar } from '@ppt/llm';
import type { EntityManager } from 'typeorm';

@Injectable()
export class AssistantUsageRepository {
  async since(m: EntityManager, organizationId: string, start: Date): Promise<UsageSoFar> {
    const [row] = (await m.query(
      `SELECT coalesce(sum(input_tokens + output_tokens), 0)::bigint AS tokens,
              coalesce(sum(cost_micros), 0)::bigint AS cost
         FROM assistant_usage WHERE organization_id = $1 AND created_at >= $2`,
      [organizationId, start],
    )) as { tokens: string; cost: string }[];
    return { tokens: Number(row.tokens), costMicros: Number(row.cost) };
  }

  async add(
    m: EntityManager,
    values: Pick<
      AssistantUsage,
      'organizationId' | 'userId' | 'feature' | 'inputTokens' | 'outputTokens' | 'costMicros'
    >,
  ): Promise<void> {
    await m.insert(AssistantUsage, values);
  }
}
