export { AnnouncementsPublishDue } from './announcements/announcements-publish-due';
export { AnnouncementsCoreModule } from './announcements/announcements.core.module';
export { AnnouncementsService } from './announcements/announcements.service';
export { AnnouncementPageResponse, AnnouncementResponse, CommentListResponse, CommentResponse, CreateAnnouncementDto, CreateCommentDto, ListAnnouncementsQueryDto, ReceiptReportResponse, ScheduleAnnouncementDto, UpdateAnnouncementDto } from './announcements/dto/announcement.dto';
export { ConversationsCoreModule } from './conversations/conversations.core.module';
export { ConversationsService } from './conversations/conversations.service';
export { ConversationPageResponse, ConversationResponse, CreateConversationDto, ListMessagesQueryDto, MarkReadDto, MessagePageResponse, MessageResponse, ReadStateResponse, SendMessageDto } from './conversations/dto/conversation.dto';
export { ListNotificationsQueryDto, NotificationPageResponse, PreferencesResponse, UpdatePreferencesDto } from './notifications/dto/notification.dto';
export { defaultEnabled } from './notifications/notification-defaults';
export { NotificationsCoreModule } from './notifications/notifications.core.module';
export { NotificationsService } from './notifications/notifications.service';
export { BallotsService } from './votes/ballots.service';
export { DelegationsService } from './votes/delegations.service';
export { BallotChainResponse, BallotReceiptResponse, CastBallotDto, CreateDelegationDto, DelegationPageResponse, DelegationResponse, ParticipationPageResponse, ReceiptCheckResponse } from './votes/dto/ballot.dto';
export { CreateVoteDto, ListVotesQueryDto, UpdateVoteDto, VotePageResponse, VoteResponse, type VoteSummaryResponse } from './votes/dto/vote.dto';
export { VotesCloseDue } from './votes/votes-close-due';
export { VotesCoreModule } from './votes/votes.core.module';
export { VotesService } from './votes/votes.service';
export { RealtimeCoreModule } from './realtime/realtime.core.module';
export { RealtimeEnv } from './realtime/realtime.env';
export {
  CreatePushSubscriptionDto,
  NotificationSettingsDto,
  NotificationSettingsResponse,
  PushKeysDto,
  PushSubscriptionResponse,
  UnsubscribedResponse,
  UnsubscribeQueryDto,
  VapidKeyResponse,
} from './notification-delivery/dto/notification-delivery.dto';
export { NotificationDeliveryCoreModule } from './notification-delivery/notification-delivery.core.module';
export { NotificationDeliveryEnv, withNotificationEnv } from './notification-delivery/notification-delivery.env';
export { NotificationDeliveryError } from './notification-delivery/notification-delivery.errors';
export { NotificationDeliveryJobsModule } from './notification-delivery/notification-delivery.jobs.module';
export { NotificationDeliveryService } from './notification-delivery/notification-delivery.service';
export { NotificationReminders } from './notification-delivery/notification-reminders';
