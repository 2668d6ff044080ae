import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@ppt/config';
import { TenantTransactions } from '@ppt/db';
import {
  budgetWindow,
  embeddingIdentity,
  exhaustedBudget,
  type EmbeddingModel,
  type OrganizationEmbeddingChoice,
  type OrganizationEmbeddings,
} from '@ppt/llm';
import { AssistantEnv } from './assistant.env';
import { AssistantBudget } from './assistant-budget';
import { AssistantLlm } from './assistant-llm';
import { apiKeyContext } from './assistant-secret-context';
import { organizationAssistant, type ResolvedAssistant } from './assistant-settings.service';
import { AssistantSettingsRepository } from './assistant-settings.repository';
import { AssistantUsageRepository } from './assistant-usage.repository';

/**
 * The ORGANIZATION_EMBEDDINGS port for document search: an organisation whose assistant settings
 * name an embedding model (provider openai, assistant enabled) has its documents and questions
 * embedded with it, at its endpoint with its sealed key, through the same guarded agent, retries,
 * deadline and per-endpoint breaker as its chat (AssistantLlm). Tokens are counted in the usage
 * ledger (feature `embeddings`, no user) at the settings' input price, so they count against the
 * monthly token and cost budgets like chat; once a budget is used up the model is `paused` (search by
 * full text, no new vectors) until the month turns. Embedding calls are not reserved in advance
 * (unlike chat): a pass that starts under the budget may overshoot it by one batch.
 */
@Injectable()
export class AssistantEmbeddings implements OrganizationEmbeddings {
  private readonly box: SecretBox | null;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly settings: AssistantSettingsRepository,
    private readonly usage: AssistantUsageRepository,
    private readonly budget: AssistantBudget,
    private readonly llm: AssistantLlm,
    @Inject(AssistantEnv) env: AssistantEnv,
  ) {
    this.box = env.SECRETS_ENCRYPTION_KEYS ? new SecretBox(env.SECRETS_ENCRYPTION_KEYS) : null;
  }

  async choose(organizationId: string): Promise<OrganizationEmbeddingChoice> {
    const { start } = budgetWindow(new Date());
    const found = await this.tenant.run({ organizationId }, async (m) => {
      const row = await this.settings.find(m, organizationId);
      if (!row?.embeddingModel || !row.enabled || row.provider !== 'openai') return null;
      return { row, used: await this.usage.since(m, organizationId, start) };
    });
    if (!found) return { kind: 'platform' };
    const { row, used } = found;
    const model = row.embeddingModel as string;
    const identity = embeddingIdentity({ baseUrl: row.baseUrl, model });
    if (!this.box) return { kind: 'paused', identity, reason: 'SECRETS_ENCRYPTION_KEYS is not set' };
    const resolved = organizationAssistant(row, this.box.open(row.apiKeySealed, apiKeyContext(organizationId)));
    const exhausted = exhaustedBudget(resolved.limits, used);
    if (exhausted) return { kind: 'paused', identity, reason: `the monthly ${exhausted} budget is used up` };
    return { kind: 'organization', model: this.model(organizationId, resolved, model, identity) };
  }

  private model(
    organizationId: string,
    resolved: ResolvedAssistant,
    model: string,
    identity: string,
  ): EmbeddingModel {
    const embed = async (texts: string[]) => {
      const { vectors, usage } = await this.llm.client.embed({ ...resolved.connection, model }, texts);
      await this.tenant.run({ organizationId }, (m) =>
        this.budget.record(
          m,
          { organizationId, userId: null, feature: 'embeddings' },
          { inputTokens: usage.inputTokens, outputTokens: 0 },
          resolved,
        ),
      );
      return vectors;
    };
    return {
      identity,
      embedDocuments: embed,
      embedQuery: async (text) => (await embed([text]))[0],
    };
  }
}
