import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { DocumentsCoreModule } from '@ppt/api-documents-core';
import { NotificationsCoreModule } from '../notifications/notifications.core.module';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [EventsModule, NotificationsCoreModule, UnitsCoreModule, DocumentsCoreModule],
  providers: [ConversationsRepository, ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsCoreModule {}
