import { IsOmittable, Trim } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { METER_TYPES, type MeterType } from '@ppt/api-db';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { PageQueryDto, PageResponse } from '@ppt/http';

const DATE = { strict: true, strictSeparator: true };

export class CreateMeterDto {
  @ApiProperty({ example: EXAMPLE_ID.unit })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ enum: METER_TYPES, example: 'water_cold' })
  @IsIn(METER_TYPES)
  type!: MeterType;

  @ApiProperty({ example: 'WC-2026-000123', description: 'Unique within the organisation' })
  @Trim()
  @IsString()
  @Length(1, 100)
  serialNumber!: string;
}

export class ListMetersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOmittable()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: METER_TYPES, example: 'water_cold' })
  @IsOmittable()
  @IsIn(METER_TYPES)
  type?: MeterType;
}

export class SubmitReadingDto {
  @ApiProperty({ example: 123.456, description: 'Meter value (up to 3 decimals)' })
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(0)
  @Max(99999999999)
  value!: number;

  @ApiProperty({ example: '2026-11-21' })
  @IsISO8601(DATE)
  @Length(10, 10)
  readOn!: string;

  @ApiPropertyOptional({
    default: false,
    description:
      "Staff only (403 REPLACEMENT_STAFF_ONLY): the meter was replaced; the value is the new meter's start value and may be lower than the last one. Must be the newest reading.",
  })
  @IsOmittable()
  @IsBoolean()
  isReplacement?: boolean;

  @ApiPropertyOptional({
    example: 'WC-2027-000456',
    description:
      "The new meter's serial number: required with isReplacement (the meter takes it; 409 METER_SERIAL_TAKEN), refused without (422 INVALID_REPLACEMENT)",
  })
  @ValidateIf((dto: SubmitReadingDto) => dto.isReplacement === true || dto.newSerialNumber !== undefined)
  @Trim()
  @IsString()
  @Length(1, 100)
  newSerialNumber?: string;

  @ApiPropertyOptional({
    description: 'The reading period this reading belongs to',
    example: EXAMPLE_ID.readingPeriod,
  })
  @IsOptional()
  @IsUUID()
  periodId?: string;
}

export class CreateReadingPeriodDto {
  @ApiProperty({ example: 'Water 2026' })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: '2026-12-01' })
  @IsISO8601(DATE)
  @Length(10, 10)
  startsOn!: string;

  @ApiProperty({ example: '2027-01-15' })
  @IsISO8601(DATE)
  @Length(10, 10)
  deadline!: string;
}

export class MeterReadingResponse {
  @ApiProperty({ example: EXAMPLE_ID.meterReading }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.meter }) meterId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.readingPeriod })
  periodId!: string | null;
  @ApiProperty({ example: 123.456 }) value!: number;
  @ApiProperty({ example: '2026-12-03' }) readOn!: string;
  @ApiProperty({ example: false }) isReplacement!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Replacements only' })
  newSerialNumber!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Replacements only' })
  oldSerialNumber!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.resident })
  submittedByUserId!: string | null;
  @ApiProperty({ example: '2026-12-03T18:22:41.000Z' }) createdAt!: Date;
}

export class MeterResponse {
  @ApiProperty({ example: EXAMPLE_ID.meter }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.unit }) unitId!: string;
  @ApiProperty({ enum: METER_TYPES, example: 'water_cold' }) type!: MeterType;
  @ApiProperty({ example: 'WC-2026-000123' }) serialNumber!: string;
  @ApiPropertyOptional({ type: MeterReadingResponse, nullable: true })
  lastReading!: MeterReadingResponse | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class MeterPageResponse extends PageResponse(MeterResponse) {}

/** Oldest first (by reading date, then entry). */
export class MeterReadingPageResponse extends PageResponse(MeterReadingResponse) {}

export class ReadingPeriodResponse {
  @ApiProperty({ example: EXAMPLE_ID.readingPeriod }) id!: string;
  @ApiProperty({ example: 'Water 2026' }) name!: string;
  @ApiProperty({ example: '2026-12-01' }) startsOn!: string;
  @ApiProperty({ example: '2027-01-15' }) deadline!: string;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

/** Latest deadline first. */
export class ReadingPeriodPageResponse extends PageResponse(ReadingPeriodResponse) {}
