import { Module } from '@nestjs/common';
import { ConversationsCoreModule } from '@ppt/api-community-core';
import { ConversationsController } from './conversations.controller';

/** Conversations's routes; the rules live in ConversationsCoreModule. */
@Module({ imports: [ConversationsCoreModule], controllers: [ConversationsController] })
export class ConversationsHttpModule {}
