import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@ppt/config';
import { TenantTransactions } from '@ppt/db';
import { type AssistantSettings } from '@ppt/api-db';
import {
  budgetWindow,
  EMBEDDING_DIMENSIONS,
  LlmError,
  type BudgetLimits,
  type LlmConnection,
} from '@ppt/llm';
import { serviceUnavailable, ValidationFailedError } from '@ppt/observability';
import { AssistantEnv } from './assistant.env';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AssistantError, AssistantErrorCode } from './assistant.errors';
import type { AssistantSettingsResponse, PutAssistantSettingsDto } from './dto/assistant-settings.dto';
import { AssistantLlm } from './assistant-llm';
import { apiKeyContext } from './assistant-secret-context';
import { AssistantSettingsRepository } from './assistant-settings.repository';
import { AssistantUsageRepository } from './assistant-usage.repository';

/** The configuration a call uses: the organisation's own, or the platform default. */
export interface ResolvedAssistant {
  source: 'organization' | 'platform';
  connection: LlmConnection;
  limits: BudgetLimits;
  prices: { inputPerMillionMicros: number; outputPerMillionMicros: number };
  requestsPerMinute: number | null;
}

/** An organisation's own configuration, its key opened. */
export function organizationAssistant(row: AssistantSettings, apiKey: string): ResolvedAssistant {
  return {
    source: 'organization',
    connection: {
      provider: row.provider,
      baseUrl: row.baseUrl,
      model: row.model,
      apiKey,
      temperature: row.temperature,
      maxTokens: row.maxTokens,
    },
    limits: {
      monthlyTokenBudget: row.monthlyTokenBudget,
      monthlyCostBudgetMicros: row.monthlyCostBudgetMicros,
    },
    prices: {
      inputPerMillionMicros: row.inputPricePerMillionMicros,
      outputPerMillionMicros: row.outputPricePerMillionMicros,
    },
    requestsPerMinute: row.requestsPerMinute,
  };
}

/**
 * Per-organisation LLM settings. A save first makes a one-token test call with the new
 * configuration: a key or model the provider refuses is never saved (422 AI_SETTINGS_REJECTED).
 */
@Injectable()
export class AssistantSettingsService {
  private readonly box: SecretBox | null;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly settings: AssistantSettingsRepository,
    private readonly usage: AssistantUsageRepository,
    private readonly llm: AssistantLlm,
    @Inject(AssistantEnv) private readonly env: AssistantEnv,
  ) {
    this.box = env.SECRETS_ENCRYPTION_KEYS ? new SecretBox(env.SECRETS_ENCRYPTION_KEYS) : null;
  }

  get(t: Tenant): Promise<AssistantSettingsResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const row = await this.settings.find(m, t.organizationId);
      const { start, resetsAt } = budgetWindow(new Date());
      const used = await this.usage.since(m, t.organizationId, start);
      return this.toResponse(row, used, resetsAt);
    });
  }

  async put(t: Tenant, dto: PutAssistantSettingsDto): Promise<AssistantSettingsResponse> {
    const problem = this.llm.http.urlProblem(dto.baseUrl);
    if (problem) throw new ValidationFailedError([{ field: 'baseUrl', message: `baseUrl ${problem}` }]);
    const box = this.requireBox();
    const existing = await this.tenant.run(scopeOf(t), (m) => this.settings.find(m, t.organizationId));
    let apiKey = dto.apiKey;
    if (apiKey === undefined) {
      // A saved key is only reused for the same endpoint: it must never be sent to a new address.
      if (!existing || existing.provider !== dto.provider || existing.baseUrl !== dto.baseUrl)
        throw new ValidationFailedError([
          { field: 'apiKey', message: 'apiKey is required for a new provider or base URL' },
        ]);
      apiKey = box.open(existing.apiKeySealed, apiKeyContext(t.organizationId));
    }
    const connection: LlmConnection = {
      provider: dto.provider,
      baseUrl: dto.baseUrl,
      model: dto.model,
      apiKey,
      temperature: dto.temperature,
      maxTokens: dto.maxTokens,
    };
    // Omitted keeps the saved model (a PUT that does not know the field must not drop it); null clears it.
    const embeddingModel =
      dto.embeddingModel === undefined ? (existing?.embeddingModel ?? null) : dto.embeddingModel;
    if (embeddingModel !== null && dto.provider !== 'openai')
      throw new AssistantError(
        AssistantErrorCode.EmbeddingsUnsupported,
        'Embedding models are available with the openai provider (OpenAI or an OpenAI-compatible server) only; send embeddingModel: null to drop the saved one',
      );
    await this.testCall(connection);
    if (embeddingModel !== null) await this.testEmbeddings(connection, embeddingModel);
    await this.tenant.run(scopeOf(t), (m) =>
      this.settings.save(m, {
        organizationId: t.organizationId,
        enabled: dto.enabled ?? existing?.enabled ?? true,
        provider: dto.provider,
        baseUrl: dto.baseUrl,
        model: dto.model,
        apiKeySealed: box.seal(apiKey, apiKeyContext(t.organizationId)),
        temperature: dto.temperature,
        maxTokens: dto.maxTokens,
        monthlyTokenBudget: dto.monthlyTokenBudget ?? null,
        monthlyCostBudgetMicros: dto.monthlyCostBudgetMicros ?? null,
        inputPricePerMillionMicros: dto.inputPricePerMillionMicros ?? 0,
        outputPricePerMillionMicros: dto.outputPricePerMillionMicros ?? 0,
        requestsPerMinute: dto.requestsPerMinute ?? null,
        embeddingModel,
      }),
    );
    return this.get(t);
  }

  /** What a call in this organisation uses; 403 AI_DISABLED or 409 AI_NOT_CONFIGURED otherwise. */
  async resolve(t: Tenant): Promise<ResolvedAssistant> {
    const row = await this.tenant.run(scopeOf(t), (m) => this.settings.find(m, t.organizationId));
    if (row) {
      if (!row.enabled)
        throw new AssistantError(
          AssistantErrorCode.Disabled,
          'The assistant is turned off in this organisation',
        );
      return organizationAssistant(
        row,
        this.requireBox().open(row.apiKeySealed, apiKeyContext(t.organizationId)),
      );
    }
    const env = this.env;
    if (!env.ASSISTANT_DEFAULT_PROVIDER || !env.ASSISTANT_DEFAULT_API_KEY)
      throw new AssistantError(
        AssistantErrorCode.NotConfigured,
        'No AI provider is configured for this organisation',
      );
    return {
      source: 'platform',
      connection: {
        provider: env.ASSISTANT_DEFAULT_PROVIDER,
        baseUrl: env.ASSISTANT_DEFAULT_BASE_URL,
        model: env.ASSISTANT_DEFAULT_MODEL,
        apiKey: env.ASSISTANT_DEFAULT_API_KEY,
        temperature: env.ASSISTANT_DEFAULT_TEMPERATURE,
        maxTokens: env.ASSISTANT_DEFAULT_MAX_TOKENS,
      },
      // The platform pays for its key: every organisation on it has a budget and a rate limit.
      limits: { monthlyTokenBudget: env.ASSISTANT_DEFAULT_MONTHLY_TOKENS, monthlyCostBudgetMicros: null },
      prices: { inputPerMillionMicros: 0, outputPerMillionMicros: 0 },
      requestsPerMinute: env.ASSISTANT_DEFAULT_REQUESTS_PER_MINUTE,
    };
  }

  private async testCall(connection: LlmConnection): Promise<void> {
    try {
      await this.llm.client.complete(connection, [{ role: 'user', content: 'ping' }], { maxTokens: 16 });
    } catch (err) {
      if (err instanceof LlmError)
        throw new AssistantError(
          AssistantErrorCode.SettingsRejected,
          `The test call with this configuration failed, nothing was saved: ${err.message}`,
        );
      throw err;
    }
  }

  /**
   * One embedding of a word with the new model: it must answer, and with vectors of the stored length
   * (asked for with `dimensions`; a model that ignores it would put vectors of another length into
   * search, so the configuration is refused: 422 AI_EMBEDDING_DIMENSIONS).
   */
  private async testEmbeddings(connection: LlmConnection, model: string): Promise<void> {
    let vectors: number[][];
    try {
      ({ vectors } = await this.llm.client.embed({ ...connection, model }, ['ping']));
    } catch (err) {
      if (err instanceof LlmError)
        throw new AssistantError(
          AssistantErrorCode.SettingsRejected,
          `The test call of the embedding model failed, nothing was saved: ${err.message}`,
        );
      throw err;
    }
    const length = vectors[0]?.length ?? 0;
    if (length !== EMBEDDING_DIMENSIONS)
      throw new AssistantError(
        AssistantErrorCode.EmbeddingDimensions,
        `The embedding model answers vectors of ${length} dimensions; document search stores ${EMBEDDING_DIMENSIONS} (a model that takes the dimensions parameter, e.g. text-embedding-3-small), nothing was saved`,
      );
  }

  private requireBox(): SecretBox {
    if (!this.box)
      throw serviceUnavailable('Provider keys cannot be stored: SECRETS_ENCRYPTION_KEYS is not set');
    return this.box;
  }

  private toResponse(
    row: AssistantSettings | null,
    used: { tokens: number; costMicros: number },
    resetsAt: Date,
  ): AssistantSettingsResponse {
    const env = this.env;
    const platform = !row && !!env.ASSISTANT_DEFAULT_PROVIDER && !!env.ASSISTANT_DEFAULT_API_KEY;
    return {
      source: row ? 'organization' : platform ? 'platform' : 'none',
      enabled: row ? row.enabled : platform,
      provider: row?.provider ?? (platform ? env.ASSISTANT_DEFAULT_PROVIDER! : null),
      baseUrl: row?.baseUrl ?? (platform ? env.ASSISTANT_DEFAULT_BASE_URL : null),
      model: row?.model ?? (platform ? env.ASSISTANT_DEFAULT_MODEL : null),
      apiKeySet: row ? true : platform,
      temperature: row?.temperature ?? (platform ? env.ASSISTANT_DEFAULT_TEMPERATURE : null),
      maxTokens: row?.maxTokens ?? (platform ? env.ASSISTANT_DEFAULT_MAX_TOKENS : null),
      monthlyTokenBudget: row
        ? row.monthlyTokenBudget
        : platform
          ? env.ASSISTANT_DEFAULT_MONTHLY_TOKENS
          : null,
      monthlyCostBudgetMicros: row?.monthlyCostBudgetMicros ?? null,
      inputPricePerMillionMicros: row?.inputPricePerMillionMicros ?? 0,
      outputPricePerMillionMicros: row?.outputPricePerMillionMicros ?? 0,
      embeddingModel: row?.embeddingModel ?? null,
      requestsPerMinute: row
        ? row.requestsPerMinute
        : platform
          ? env.ASSISTANT_DEFAULT_REQUESTS_PER_MINUTE
          : null,
      usedTokensThisMonth: used.tokens,
      usedCostMicrosThisMonth: used.costMicros,
      budgetResetsAt: resetsAt,
    };
  }
}
