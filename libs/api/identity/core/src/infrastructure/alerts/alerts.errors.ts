import { featureError } from '@ppt/observability';

/** Refusals of the alert rules API. */
export class AlertRuleError extends featureError({
  /** The rule cannot work as given (params of its kind, matcher syntax, threshold, channels); details say why. */
  ALERT_RULE_INVALID: 422,
  /** A webhook needs SECRETS_ENCRYPTION_KEYS to seal its signing secret; the deployment has none. */
  ALERT_WEBHOOK_UNAVAILABLE: 422,
  ALERT_RULE_NOT_FOUND: 404,
}) {}
