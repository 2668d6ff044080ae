import { Module } from '@nestjs/common';
import { AssistantCoreModule } from '@ppt/api-assistant-core';
import { AssistantChatController } from './assistant-chat.controller';
import { AssistantDraftsController } from './assistant-drafts.controller';
import { AssistantSettingsController } from './assistant-settings.controller';

@Module({
  imports: [AssistantCoreModule],
  controllers: [AssistantSettingsController, AssistantChatController, AssistantDraftsController],
})
export class AssistantHttpModule {}
