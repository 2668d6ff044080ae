import { plainToInstance } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import type { ErrorDetail } from '@ppt/observability';

/** The most one event may add to a counter: a portal reporting more at once is not believable. */
const MAX_COUNT = 100_000;

class AdvertEvent {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  advertId!: string;
}

class ViewedData extends AdvertEvent {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  count?: number;

  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

class FavoritedData extends ViewedData {}

class InquiryData extends AdvertEvent {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  inquiryId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsEmail()
  @MaxLength(320)
  email!: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  message!: string;
}

export const PORTAL_ADVERT_STATUSES = ['active', 'removed', 'rejected'] as const;

class StatusChangedData extends AdvertEvent {
  @IsIn(PORTAL_ADVERT_STATUSES)
  status!: (typeof PORTAL_ADVERT_STATUSES)[number];

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

const SHAPES = {
  'listing.viewed': ViewedData,
  'listing.favorited': FavoritedData,
  'listing.inquiry': InquiryData,
  'listing.status_changed': StatusChangedData,
} as const;

export type PortalEventType = keyof typeof SHAPES;
export const PORTAL_EVENT_TYPES = Object.keys(SHAPES) as PortalEventType[];

export type PortalEvent =
  | { type: 'listing.viewed'; data: ViewedData }
  | { type: 'listing.favorited'; data: FavoritedData }
  | { type: 'listing.inquiry'; data: InquiryData }
  | { type: 'listing.status_changed'; data: StatusChangedData };

/** What every event names before its signature can be checked: its type and the portal's advert id. */
export interface PortalEventEnvelope {
  type: string;
  advertId: string;
  data: Record<string, unknown>;
}

/**
 * The envelope `{type, data: {advertId, …}}`. Every event, known or not, must name the advert: that
 * is how the organisation, and so the secret to verify with, is found.
 */
export function readEnvelope(body: unknown): PortalEventEnvelope | { problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  if (!isObject(body)) return { problems: [{ message: 'The body must be a JSON object' }] };
  if (typeof body.type !== 'string' || body.type.length === 0 || body.type.length > 100)
    problems.push({ field: 'type', message: 'type must be a string of 1 to 100 characters' });
  if (!isObject(body.data)) problems.push({ field: 'data', message: 'data must be an object' });
  else if (
    typeof body.data.advertId !== 'string' ||
    body.data.advertId.length === 0 ||
    body.data.advertId.length > 200
  )
    problems.push({
      field: 'data.advertId',
      message: 'data.advertId must be a string of 1 to 200 characters',
    });
  if (problems.length) return { problems };
  const data = body.data as Record<string, unknown>;
  return { type: body.type as string, advertId: data.advertId as string, data };
}

export function isKnownType(type: string): type is PortalEventType {
  return Object.hasOwn(SHAPES, type);
}

/** A known event's data, checked field by field (unknown fields are ignored: portals add fields). */
export function readEvent(
  type: PortalEventType,
  data: Record<string, unknown>,
): PortalEvent | { problems: ErrorDetail[] } {
  const instance = plainToInstance(SHAPES[type], data, { excludeExtraneousValues: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length) return { problems: flatten(errors) };
  return { type, data: instance } as PortalEvent;
}

function flatten(errors: ValidationError[]): ErrorDetail[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) => ({ field: `data.${e.property}`, message })),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
