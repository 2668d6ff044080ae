import { Transform } from 'class-transformer';
import {
  IsIn,
  IsString,
  IsUrl,
  MinLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CoreEnv, IsIntInRange, IsPort } from '@ppt/config';
import { withRealtimeEnv } from '@ppt/realtime';
import { withStorageEnv } from '@ppt/storage';
import { withAssistantEnv } from '@ppt/api-assistant-core';
import { withNotificationEnv } from '@ppt/api-community-core';
import { withDocumentSearchEnv, withDocumentsEnv } from '@ppt/api-documents-core';
import { withAlertsEnv, withHealthHistoryEnv } from '@ppt/api-identity-core';
import { withSyndicationEnv } from '@ppt/api-marketing-core';

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
/** Mail written to the log would put reset and invitation links (bearer secrets) into production logs. */
@ValidatorConstraint({ name: 'mailTransportForEnvironment' })
class DeliversMailInProduction implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return (args.object as ApiServerEnv).NODE_ENV !== 'production' || value !== 'log';
  }
  defaultMessage(): string {
    return 'must be smtp in production (log writes reset and invitation links into the logs)';
  }
}

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Core settings, object storage (libs/storage), documents, document search, syndication, the assistant, realtime limits, notification delivery, the health history and alert rules, validated in one pass. */
export class ApiServerEnv extends withHealthHistoryEnv(
  withAlertsEnv(
    withNotificationEnv(
      withRealtimeEnv(
        withAssistantEnv(withDocumentSearchEnv(withSyndicationEnv(withDocumentsEnv(withStorageEnv(CoreEnv))))),
      ),
    ),
  ),
) {
  @IsPort()
  API_PORT = 3000;

  /** The api-server worker's own port: health and metrics only. */
  @IsPort()
  API_WORKER_PORT = 3100;

  /** `iss` of every token; other services trust tokens from this issuer only. */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  AUTH_ISSUER = 'http://localhost:3000';

  /** `aud` of access tokens meant for api-server (users' and services'); api-server accepts only these. */
  @IsString()
  @MinLength(1)
  AUTH_AUDIENCE = 'ppt';

  /**
   * The portal's `aud`, added to users' access tokens only (the portal's AUTH_AUDIENCE), so a service
   * token is never accepted by the portal as a visitor's.
   */
  @IsString()
  @MinLength(1)
  AUTH_PORTAL_AUDIENCE = 'ppt-portal';

  /** RSA private key (PEM, or base64 of the PEM) that signs access tokens. `npm start` generates one. */
  @IsString()
  @MinLength(100, { message: 'must be an RSA private key (PEM or base64 PEM)' })
  AUTH_JWT_PRIVATE_KEY!: string;

  /** Public keys of earlier signing keys still accepted and published during a rotation (comma-separated). */
  @Transform(toList)
  @IsString({ each: true })
  AUTH_JWT_PREVIOUS_PUBLIC_KEYS: string[] = [];

  @IsIntInRange(60, 3600)
  AUTH_ACCESS_TOKEN_TTL_S = 900;

  @IsIntInRange(60, 3600)
  AUTH_SERVICE_TOKEN_TTL_S = 900;

  /** A refresh token unused this long expires (the session idles out). */
  @IsIntInRange(300)
  AUTH_REFRESH_IDLE_TTL_S = 14 * 24 * 3600;

  /** No session outlives this, however often it refreshes. */
  @IsIntInRange(300)
  AUTH_REFRESH_ABSOLUTE_TTL_S = 30 * 24 * 3600;

  /**
   * Password doors (PasswordDoors): failures per (account, IP) before a lock-out, attempts per IP and
   * door within AUTH_LIMIT_WINDOW_S, failures per IP (over all accounts) before a lock-out.
   */
  @IsIntInRange(1)
  AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT = 5;

  @IsIntInRange(1)
  AUTH_MAX_ATTEMPTS_PER_IP = 50;

  @IsIntInRange(1)
  AUTH_MAX_FAILED_ATTEMPTS_PER_IP = 20;

  /** The first lock-out after too many failures; each further failure doubles it, up to AUTH_LIMIT_WINDOW_S. */
  @IsIntInRange(1, 3600)
  AUTH_LOCKOUT_FIRST_S = 30;

  @IsIntInRange(1)
  AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT = 3;

  @IsIntInRange(10)
  AUTH_LIMIT_WINDOW_S = 900;

  /** An operator session (Bull Board) unused this long ends; none outlives 12 hours. */
  @IsIntInRange(60, 24 * 3600)
  OPERATOR_SESSION_IDLE_S = 1800;

  /** Base URL of the web app, for links in e-mails (verify, reset, invitation). */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  APP_PUBLIC_URL = 'http://localhost:4200';

  /** `smtp` sends through SMTP_URL; `log` writes each message to the log (local development). */
  @IsIn(['smtp', 'log'])
  @Validate(DeliversMailInProduction)
  MAIL_TRANSPORT: 'smtp' | 'log' = 'log';

  @ValidateIf((env: ApiServerEnv) => env.MAIL_TRANSPORT === 'smtp')
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] },
    { message: 'must be an smtp:// or smtps:// URL' },
  )
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'PPT <no-reply@localhost>';
}
