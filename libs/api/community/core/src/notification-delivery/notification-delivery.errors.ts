import { featureError } from '@ppt/observability';

export const NotificationDeliveryError = featureError({
  PUSH_SUBSCRIPTION_NOT_FOUND: 404,
  PUSH_NOT_CONFIGURED: 503,
  PUSH_SUBSCRIPTION_LIMIT: 409,
  INVALID_PUSH_ENDPOINT: 400,
  INVALID_UNSUBSCRIBE_TOKEN: 400,
  INVALID_TIME_ZONE: 400,
});
