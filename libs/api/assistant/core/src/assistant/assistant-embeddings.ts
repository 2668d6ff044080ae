import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@ppt/config';
import { TenantTransactions } from '@ppt/db';
import {
  budgetWindow,
  EMBEDDING_REQUEST_TEXTS,
  embeddingIdentity,
  estimateTokens,
  exhaustedBudget,
  LlmError,
  LlmErrorCode,
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
 * embedded with it, at its endpoint with its sealed key, through the same guarded agent and retries as
 * its chat (AssistantLlm; the endpoint's embeddings have a breaker of their own). Every request (at
 * most EMBEDDING_REQUEST_TEXTS texts) is admitted like a chat request (AssistantBudget): the monthly
 * budgets with what is in flight reserved, and, for documents, the organisation's requests per
 * minute (a question's embedding belongs to a search or chat request already counted). Tokens go to
 * the usage ledger (feature `embeddings`, no user) at the settings' input price. `choose` answers
 * `paused` once the ledger shows a budget used up; a request refused later is an error the caller
 * logs (search falls back to full text, the backfill tries the organisation again next pass).
 */
@Injectable()
export class AssistantEmbeddings implements OrganizationEmbeddings {
  private readonly logger = new Logger(AssistantEmbeddings.name);
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
    const resolved = organizationAssistant(
      row,
      this.box.open(row.apiKeySealed, apiKeyContext(organizationId)),
    );
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
    const embed = async (texts: string[], countRequest: boolean) => {
      const vectors: number[][] = [];
      for (let from = 0; from < texts.length; from += EMBEDDING_REQUEST_TEXTS)
        vectors.push(
          ...(await this.embedRequest(
            organizationId,
            resolved,
            model,
            texts.slice(from, from + EMBEDDING_REQUEST_TEXTS),
            countRequest,
          )),
        );
      return vectors;
    };
    return {
      identity,
      embedDocuments: (texts) => embed(texts, true),
      embedQuery: async (text) => (await embed([text], false))[0],
    };
  }

  /** One provider request: admitted (budget reservation, rate), called, its tokens in the ledger. */
  private async embedRequest(
    organizationId: string,
    resolved: ResolvedAssistant,
    model: string,
    texts: string[],
    countRequest: boolean,
  ): Promise<number[][]> {
    const estimate = texts.reduce((sum, t) => sum + estimateTokens(t), 0);
    const reservation = await this.budget.admitForOrganization(organizationId, resolved, estimate, {
      countRequest,
    });
    const at = { organizationId, userId: null, feature: 'embeddings' };
    let keepReserved = false;
    const charge = async (inputTokens: number) => {
      try {
        await this.tenant.run({ organizationId }, (m) =>
          reservation.record(m, at, { inputTokens, outputTokens: 0 }),
        );
      } catch (err) {
        // Paid but not in the ledger: the reservation keeps counting it until it expires, and the
        // log says what to reconcile.
        keepReserved = true;
        this.logger.error({ err, organizationId, model, inputTokens }, 'Recording embedding usage failed');
      }
    };
    try {
      const { vectors, usage } = await this.llm.client.embed({ ...resolved.connection, model }, texts);
      await charge(usage.inputTokens);
      return vectors;
    } catch (err) {
      // The provider may have worked before the deadline passed: charged by the estimate, as chat does.
      if (err instanceof LlmError && err.code === LlmErrorCode.ProviderTimeout) await charge(estimate);
      throw err;
    } finally {
      if (!keepReserved) await reservation.release();
    }
  }
}
