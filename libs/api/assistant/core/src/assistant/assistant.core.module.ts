import { Module } from '@nestjs/common';
import { DocumentSearchCoreModule, DocumentsCoreModule } from '@ppt/api-documents-core';
import { OrganizationsCoreModule } from '@ppt/api-identity-core';
import { ListingsCoreModule } from '@ppt/api-marketing-core';
import {
  BuildingsCoreModule,
  LeasesCoreModule,
  PeopleCoreModule,
  UnitsCoreModule,
} from '@ppt/api-property-core';
import { AssistantChatService } from './assistant-chat.service';
import { AssistantConversationsRepository } from './assistant-conversations.repository';
import { AssistantDraftsRepository } from './assistant-drafts.repository';
import { AssistantDraftsService } from './assistant-drafts.service';
import { AssistantEmbeddingsModule } from './assistant-embeddings.module';
import { AssistantFacts } from './assistant-facts';
import { AssistantSettingsService } from './assistant-settings.service';

/**
 * The assistant's rules and storage. ASSISTANT_RETRIEVER (document search, @ppt/llm's port) is
 * injected optionally; documents' DocumentSearchCoreModule provides it (filtered by the asker's access).
 */
@Module({
  imports: [
    AssistantEmbeddingsModule,
    DocumentsCoreModule,
    DocumentSearchCoreModule,
    OrganizationsCoreModule,
    BuildingsCoreModule,
    UnitsCoreModule,
    PeopleCoreModule,
    LeasesCoreModule,
    ListingsCoreModule,
  ],
  providers: [
    AssistantConversationsRepository,
    AssistantDraftsRepository,
    AssistantFacts,
    AssistantSettingsService,
    AssistantChatService,
    AssistantDraftsService,
  ],
  exports: [AssistantSettingsService, AssistantChatService, AssistantDraftsService],
})
export class AssistantCoreModule {}
