import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';
import type { SyndicationPortal } from '@ppt/api-db';
import type { ErrorDetail } from '@ppt/observability';

const URL_RULES = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

class SrealityCredentialsDto {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  clientId!: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  softwareKey!: string;
}

class SrealityOptionsDto {
  @IsUrl(URL_RULES)
  endpoint = 'https://import.sreality.cz/RPC2';

  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/.+\{id\}/, { message: 'advertUrlTemplate must be a URL containing {id}' })
  advertUrlTemplate?: string;
}

class OpenImmoCredentialsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

/** ImmoScout24 and immowelt take OpenImmo ZIPs on their SFTP/FTP import servers; some receivers by HTTPS POST. */
const OPENIMMO_URL_RULES = { ...URL_RULES, protocols: ['http', 'https', 'ftp', 'ftps', 'sftp'] };

class OpenImmoOptionsDto {
  @IsUrl(OPENIMMO_URL_RULES)
  endpoint!: string;

  /** FTP/SFTP: the folder the portal writes its import reports to. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^\/(?!.*(^|\/)\.\.(\/|$))[^\0]*$/, { message: 'reportsPath must be an absolute path without ..' })
  reportsPath?: string;

  /** SFTP: the server's host key fingerprint, required so no one can pose as the server. */
  @ValidateIf((o: OpenImmoOptionsDto) => typeof o.endpoint === 'string' && /^sftp:/i.test(o.endpoint))
  @Matches(/^SHA256:[A-Za-z0-9+/]{43}=?$/, {
    message: 'hostKeySha256 must be the host key fingerprint as ssh-keygen -lf prints it (SHA256:…)',
  })
  hostKeySha256?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  providerId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  providerName!: string;

  @IsEmail()
  technicalEmail!: string;
}

class WebhookCredentialsDto {
  /** One secret, or two while rotating. */
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @Matches(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, {
    each: true,
    message: 'each secret must be whsec_ + base64 (24+ bytes)',
  })
  secrets!: string[];
}

class WebhookOptionsDto {
  @IsUrl(URL_RULES)
  endpoint!: string;

  /** The receiver's list of our adverts (optional): reconciled nightly when set. */
  @IsOptional()
  @IsUrl(URL_RULES)
  listUrl?: string;
}

class NoCredentialsDto {}
class NoOptionsDto {}

/** Inbound webhook secrets (what the portal signs its webhooks to us with): one, or two while rotating. */
export class InboundSecretsDto {
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @Matches(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, {
    each: true,
    message: 'each secret must be whsec_ + base64 (24+ bytes)',
  })
  secrets!: string[];
}

type Shape = { credentials: new () => object; options: new () => object; needsCredentials: boolean };

/** What each portal needs configured. The Record makes a new portal without a shape a compile error. */
export const PORTAL_CONFIG: Record<SyndicationPortal, Shape> = {
  'reality-portal': { credentials: NoCredentialsDto, options: NoOptionsDto, needsCredentials: false },
  sreality: { credentials: SrealityCredentialsDto, options: SrealityOptionsDto, needsCredentials: true },
  openimmo: { credentials: OpenImmoCredentialsDto, options: OpenImmoOptionsDto, needsCredentials: true },
  webhook: { credentials: WebhookCredentialsDto, options: WebhookOptionsDto, needsCredentials: true },
};

/**
 * Checks a portal's credentials or options against its shape: unknown fields are refused like
 * everywhere else, defaults filled in. Returns the clean object or the problems, field by field.
 */
export function validatePortalPart(
  cls: new () => object,
  value: unknown,
  prefix: 'credentials' | 'options',
): { value: Record<string, unknown> } | { problems: ErrorDetail[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [{ field: prefix, message: `${prefix} must be an object` }] };
  }
  const instance = plainToInstance(cls, value);
  // forbidUnknownValues off: a portal without settings has a shape with no properties at all.
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  if (errors.length) return { problems: flatten(errors, prefix) };
  return { value: { ...instance } as Record<string, unknown> };
}

function flatten(errors: ValidationError[], prefix: string): ErrorDetail[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((message) => ({ field: `${prefix}.${e.property}`, message })),
    ...flatten(e.children ?? [], `${prefix}.${e.property}`),
  ]);
}
