import {
  IsOptional,
  IsString,
  IsUrl,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsIntInRange, SecretBox } from '@ppt/config';
import { AddressPolicy } from '@ppt/outbound';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

@ValidatorConstraint({ name: 'cidrList' })
class IsCidrList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && AddressPolicy.problemWith(value) === null;
  }
  defaultMessage(args?: ValidationArguments): string {
    return `must be a comma-separated CIDR list, e.g. 127.0.0.1/32,::1/128 (${AddressPolicy.problemWith(String(args?.value))})`;
  }
}

@ValidatorConstraint({ name: 'keyRing' })
class IsKeyRing implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && SecretBox.problemWith(value) === null;
  }
  defaultMessage(args?: ValidationArguments): string {
    return `must be "kid:base64key[,kid:base64key…]" with 32-byte keys (${SecretBox.problemWith(String(args?.value))})`;
  }
}

/** The syndication feature's variables, composed into ApiServerEnv (one validation pass). */
export function withSyndicationEnv<TBase extends EnvBase>(Base: TBase) {
  class WithSyndicationEnv extends Base {
    /**
     * Seals portal credentials in the database (AES-256-GCM). First key seals, all open; rotate by
     * prepending a key. Without it, credentials cannot be stored (503). `npm start` generates one.
     */
    @IsOptional()
    @IsString()
    @Validate(IsKeyRing)
    SECRETS_ENCRYPTION_KEYS?: string;

    /** Base of links portals get to our photos (the api-server's public address). */
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
    API_PUBLIC_URL = 'http://localhost:3000';

    /** Base of the Reality Portal's public listing pages (the URL managers see for our own portal). */
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
    REALITY_PUBLIC_URL = 'http://localhost:3001';

    /**
     * Addresses outbound calls to configured URLs (portal endpoints, webhooks) may reach although
     * they are not public, and where plain http:// is accepted: local test portals only
     * (`127.0.0.1/32,::1/128`). Empty by default everywhere, so an organisation cannot point the
     * worker at our own network unless an operator allow-listed it explicitly.
     */
    @IsOptional()
    @IsString()
    @Validate(IsCidrList)
    OUTBOUND_ALLOWED_CIDRS = '';

    /** Response bodies of outbound calls beyond this many bytes are aborted. */
    @IsIntInRange(1024, 64 * 1024 * 1024)
    OUTBOUND_MAX_RESPONSE_BYTES = 1024 * 1024;

    /** Attempts per portal job before it is kept as failed. */
    @IsIntInRange(1, 50)
    SYNDICATION_JOB_ATTEMPTS = 8;

    /** First retry delay; each next one doubles, with jitter. */
    @IsIntInRange(10, 3_600_000)
    SYNDICATION_BACKOFF_MS = 5000;

    /** Deadline of one portal call. */
    @IsIntInRange(1000, 600_000)
    SYNDICATION_PORTAL_TIMEOUT_MS = 30_000;

    /**
     * Portal calls one portal may have running at once, across all workers: a portal that hangs
     * ties up only these, the others keep their pace. Jobs beyond the limit wait delayed in Redis.
     */
    @IsIntInRange(1, 64)
    SYNDICATION_PORTAL_CONCURRENCY = 4;
  }
  return WithSyndicationEnv;
}

/** What the syndication feature reads from the environment. */
export class SyndicationEnv extends withSyndicationEnv(class {}) {}
