import { Module } from '@nestjs/common';
import { DocumentSearchCoreModule, DocumentsCoreModule } from '@ppt/api-documents-core';
import { AssistantBudget } from './assistant-budget';
import { AssistantChatService } from './assistant-chat.service';
import { AssistantConversationsRepository } from './assistant-conversations.repository';
import { AssistantDraftsRepository } from './assistant-drafts.repository';
import { AssistantDraftsService } from './assistant-drafts.service';
import { AssistantLlm } from './assistant-llm';
import { AssistantSettingsRepository } from './assistant-settings.repository';
import { AssistantSettingsService } from './assistant-settings.service';
import { AssistantUsageRepository } from './assistant-usage.repository';

/**
 * The assistant's rules and storage. ASSISTANT_RETRIEVER (document search, @ppt/llm's port) is
 * injected optionally; documents' DocumentSearchCoreModule provides it (filtered by the asker's access).
 */
@Module({
  imports: [DocumentsCoreModule, DocumentSearchCoreModule],
  providers: [
    AssistantLlm,
    AssistantSettingsRepository,
    AssistantUsageRepository,
    AssistantConversationsRepository,
    AssistantDraftsRepository,
    AssistantBudget,
    AssistantSettingsService,
    AssistantChatService,
    AssistantDraftsService,
  ],
  exports: [AssistantSettingsService, AssistantChatService, AssistantDraftsService],
})
export class AssistantCoreModule {}
