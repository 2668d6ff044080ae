import {
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { AnswerSigner } from '@ppt/auth';
import { withRealtimeEnv } from '@ppt/realtime';
import { CoreEnv, IsIntInRange, IsPort } from '@ppt/config';

@ValidatorConstraint({ name: 'announcementKeyRing' })
class IsAnnouncementKeyRing implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && AnswerSigner.problemWith(value) === null;
  }
  defaultMessage(args?: ValidationArguments): string {
    return `must be "kid:base64key[,kid:base64key…]" with keys of at least 32 bytes (${AnswerSigner.problemWith(String(args?.value))})`;
  }
}

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class RealityServerEnv extends withRealtimeEnv(CoreEnv) {
  /**
   * The portal's own role (member of ppt_portal_app: schema `portal` only), never api-server's: the
   * process refuses to start as a role that reaches any table outside schema `portal`.
   */
  override DATABASE_URL = 'postgres://ppt_portal:ppt_portal@127.0.0.1:5432/ppt';

  @IsPort()
  REALITY_PORT = 3001;

  /** The reality-server worker's own port: health and metrics only. */
  @IsPort()
  REALITY_WORKER_PORT = 3101;

  /** api-server, the identity provider: JWKS, client credentials and token introspection. */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  API_SERVER_URL = 'http://127.0.0.1:3000';

  /** api-server as browsers reach it: listing photo links point there. */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  API_PUBLIC_URL = 'http://localhost:3000';

  /** Must equal api-server's AUTH_ISSUER: tokens from any other issuer are refused. */
  @IsUrl(HTTP_URL, { message: "must be an http(s) URL (api-server's AUTH_ISSUER)" })
  AUTH_ISSUER = 'http://localhost:3000';

  /**
   * The `aud` a visitor's token must carry: the same setting as api-server's, which puts it in users'
   * tokens only (a service token, meant for api-server alone, is refused here).
   */
  @IsString()
  @MinLength(1)
  AUTH_PORTAL_AUDIENCE = 'ppt-portal';

  /** The portal's OAuth client on api-server (`npm run admin -- create-client … --scopes sso:introspect,listings:inquiries`). */
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, {
    message: 'must be an OAuth client id (letters, digits, ".", "_", ":", "-")',
  })
  SSO_CLIENT_ID = 'reality-server';

  /**
   * Its secret. Required in production; elsewhere unset means SSO is off (public routes work,
   * signed-in routes answer 503 SSO_UNAVAILABLE), so `npm start` runs without a client.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be the client secret printed by `npm run admin -- create-client`' })
  SSO_CLIENT_SECRET?: string;

  /**
   * Upper bound for caching api-server's answer about a token, in seconds (also bounded by its
   * expiry). 0 turns the cache off: every request introspects (for benchmarks and debugging).
   */
  @IsIntInRange(0, 900)
  SSO_CACHE_TTL_S = 300;

  /**
   * Answers each replica keeps in memory. Every replica keeps every replica's (they announce them
   * to each other), so size it for the tokens of all visitors signed in within SSO_CACHE_TTL_S:
   * beyond that, misses read Redis first. About 300 bytes each.
   */
  @IsIntInRange(100, 1_000_000)
  SSO_MEMORY_CACHE_SIZE = 20_000;

  /**
   * How long readiness reuses one answer from api-server, so every replica's probes together cost it a
   * few requests a minute. 0 asks on every probe. Until api-server has answered once, failures are
   * never reused (a portal that has never reached it is not ready).
   */
  @IsIntInRange(0, 300)
  SSO_READINESS_CACHE_S = 30;

  /**
   * Signs the token answers portal replicas share through Redis, so a forged Redis entry or
   * announcement signs nobody in. Every replica needs the same ring; the first key signs, all
   * verify (rotate by prepending). Required in production; unset elsewhere, each process uses a
   * random key of its own (replicas then do not share answers). `npm start` generates one.
   */
  @IsOptional()
  @IsString()
  @Validate(IsAnnouncementKeyRing)
  SSO_ANNOUNCEMENT_KEYS?: string;

  /**
   * Signs the unsubscribe links of saved-search alert e-mails (at least 32 characters). Unset: no
   * alerts are sent (the choice is still stored).
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  SAVED_SEARCH_ALERT_SECRET?: string;

  /** The portal API as browsers reach it: the alert e-mails' unsubscribe links point there. */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  REALITY_PUBLIC_URL = 'http://localhost:3001';

  /** The portal's web pages: the alert e-mails link each listing as `<PORTAL_WEB_URL>/listings/<id>`. */
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  PORTAL_WEB_URL = 'http://localhost:4300';
}
