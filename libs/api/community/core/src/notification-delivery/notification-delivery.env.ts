import {
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsIntInRange, parseSecretList, secretListProblem } from '@ppt/config';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

interface VapidEnv {
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
}

/** Why the VAPID settings cannot be used (null = fine, or all three absent: push off). */
export function vapidProblem(env: VapidEnv): string | null {
  const given = [env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, env.VAPID_SUBJECT].filter(Boolean).length;
  if (given === 0) return null;
  if (given < 3)
    return 'VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT go together (or none: push off)';
  const pub = Buffer.from(env.VAPID_PUBLIC_KEY as string, 'base64url');
  // RFC 8292 §3.2: the uncompressed P-256 point (65 bytes, 0x04 first), base64url.
  if (pub.length !== 65 || pub[0] !== 4)
    return 'VAPID_PUBLIC_KEY must be an uncompressed P-256 key (base64url, 65 bytes)';
  if (Buffer.from(env.VAPID_PRIVATE_KEY as string, 'base64url').length !== 32)
    return 'VAPID_PRIVATE_KEY must be a P-256 private key (base64url, 32 bytes)';
  // RFC 8292 §2.1: the subject is a mailto: or https: URI.
  if (!/^(mailto:.+@.+|https:\/\/.+)$/.test(env.VAPID_SUBJECT as string))
    return 'VAPID_SUBJECT must be a mailto: or https: URI';
  return null;
}

@ValidatorConstraint({ name: 'vapidKeys' })
class IsVapidSet implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    return vapidProblem(args.object as VapidEnv) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return vapidProblem(args.object as VapidEnv) ?? '';
  }
}

@ValidatorConstraint({ name: 'unsubscribeSecrets' })
class IsUnsubscribeSecrets implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && secretListProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return args.value === undefined
      ? 'is required in production (comma-separated secrets of 32+ characters; the first signs, all verify)'
      : `${secretListProblem(String(args.value))} (comma-separated secrets of 32+ characters)`;
  }
}

/**
 * The secrets of the one-click unsubscribe links: NOTIFICATION_UNSUBSCRIBE_SECRETS (the first signs,
 * all verify). Unset — allowed in development and test only, boot validation refuses it in
 * production — a key derived from AUTH_JWT_PRIVATE_KEY stands in (the links then break when that key
 * rotates; its value can be appended to the list to keep links signed before the list was set).
 */
export function unsubscribeSecrets(env: {
  NOTIFICATION_UNSUBSCRIBE_SECRETS?: string;
  AUTH_JWT_PRIVATE_KEY: string;
}): string[] {
  const configured = parseSecretList(env.NOTIFICATION_UNSUBSCRIBE_SECRETS);
  return configured.length > 0 ? configured : [env.AUTH_JWT_PRIVATE_KEY];
}

/** The notification delivery feature's variables, composed into NotificationDeliveryEnv (one validation pass). */
export function withNotificationEnv<TBase extends EnvBase>(Base: TBase) {
  class WithNotificationEnv extends Base {
    /** Web Push (VAPID, RFC 8292) application server key pair; none → the push channel is off. */
    @IsOptional()
    @IsString()
    @Validate(IsVapidSet)
    VAPID_PUBLIC_KEY?: string;

    @IsOptional()
    @IsString()
    VAPID_PRIVATE_KEY?: string;

    /** Contact of the operator for push services (mailto: or https:). */
    @IsOptional()
    @IsString()
    VAPID_SUBJECT?: string;

    /**
     * Signs the one-click unsubscribe links of notification e-mails: comma-separated secrets of at
     * least 32 characters, the first signs, all verify (rotate by prepending). Required in
     * production; see unsubscribeSecrets() for development and test.
     */
    @ValidateIf(
      (o: { NODE_ENV?: string; NOTIFICATION_UNSUBSCRIBE_SECRETS?: string }) =>
        o.NODE_ENV === 'production' || o.NOTIFICATION_UNSUBSCRIBE_SECRETS !== undefined,
    )
    @Validate(IsUnsubscribeSecrets)
    NOTIFICATION_UNSUBSCRIBE_SECRETS?: string;

    /** Attempts of one e-mail or push delivery before it becomes a dead letter. */
    @IsIntInRange(1, 20)
    NOTIFICATION_ATTEMPTS = 6;

    /** First retry delay; it doubles each attempt (exponential backoff). */
    @IsIntInRange(10, 3_600_000)
    NOTIFICATION_RETRY_DELAY_MS = 30_000;

    /** Local hour (in each user's time zone) at which the daily e-mail digest goes out. */
    @IsIntInRange(0, 23)
    NOTIFICATION_DIGEST_HOUR = 7;

    /** Display name appended to the organisation's name in the From header of notification e-mails. */
    @IsString()
    @Matches(/^[^"<>\r\n]*$/, { message: 'must not contain quotes, angle brackets or line breaks' })
    NOTIFICATION_SENDER_SUFFIX = 'via PPT';
  }
  return WithNotificationEnv;
}

/** The slice of the environment the feature reads. */
export interface NotificationEnv extends VapidEnv {
  NOTIFICATION_ATTEMPTS: number;
  NOTIFICATION_RETRY_DELAY_MS: number;
  NOTIFICATION_DIGEST_HOUR: number;
  NOTIFICATION_SENDER_SUFFIX: string;
  NOTIFICATION_UNSUBSCRIBE_SECRETS?: string;
  API_PUBLIC_URL: string;
  APP_PUBLIC_URL: string;
  AUTH_JWT_PRIVATE_KEY: string;
  OUTBOUND_ALLOWED_CIDRS?: string;
}

/**
 * The DI token of the slice (the validated ApiServerEnv is provided as it). The shared variables are
 * validated where they are defined (core, identity, syndication).
 */
export class NotificationDeliveryEnv extends withNotificationEnv(class {}) {
  declare readonly API_PUBLIC_URL: string;
  declare readonly APP_PUBLIC_URL: string;
  declare readonly AUTH_JWT_PRIVATE_KEY: string;
  declare readonly OUTBOUND_ALLOWED_CIDRS: string;
}
