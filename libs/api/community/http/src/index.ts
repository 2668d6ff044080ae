export { AnnouncementsHttpModule } from './announcements/announcements.http.module';
export { ConversationsHttpModule } from './conversations/conversations.http.module';
export { NotificationsHttpModule } from './notifications/notifications.http.module';
export { VotesHttpModule } from './votes/votes.http.module';
export { RealtimeHttpModule } from './realtime/realtime.http.module';
export { NotificationDeliveryHttpModule } from './notification-delivery/notification-delivery.http.module';
