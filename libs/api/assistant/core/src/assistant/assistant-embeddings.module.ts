import { Global, Module } from '@nestjs/common';
import { ORGANIZATION_EMBEDDINGS } from '@ppt/llm';
import { AssistantBudget } from './assistant-budget';
import { AssistantEmbeddings } from './assistant-embeddings';
import { AssistantLlm } from './assistant-llm';
import { AssistantSettingsRepository } from './assistant-settings.repository';
import { AssistantUsageRepository } from './assistant-usage.repository';

/**
 * The assistant's LLM client, settings and usage ledger, and with them the organisations' embedding
 * models (ORGANIZATION_EMBEDDINGS, @ppt/llm's port). Global so that document search (a lower context:
 * the assistant imports it, not the other way round) finds the port in the HTTP process and in the
 * worker alike; AssistantCoreModule imports it for the same providers.
 */
@Global()
@Module({
  providers: [
    AssistantLlm,
    AssistantSettingsRepository,
    AssistantUsageRepository,
    AssistantBudget,
    AssistantEmbeddings,
    { provide: ORGANIZATION_EMBEDDINGS, useExisting: AssistantEmbeddings },
  ],
  exports: [
    AssistantLlm,
    AssistantSettingsRepository,
    AssistantUsageRepository,
    AssistantBudget,
    ORGANIZATION_EMBEDDINGS,
  ],
})
export class AssistantEmbeddingsModule {}
