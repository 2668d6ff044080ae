import { Trim } from '../../../common/transforms';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { METER_TYPES, type MeterType } from '@ppt/db';
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
} from 'class-validator';
import { PageQueryDto, PageResponse } from '../../../common/page.dto';

const DATE = { strict: true, strictSeparator: true };

export class CreateMeterDto {
  @ApiProperty()
  @IsUUID()
  unitId!: string;

  @ApiProperty({ enum: METER_TYPES })
  @IsIn(METER_TYPES)
  type!: MeterType;

  @ApiProperty({ example: 'WC-2026-000123', description: 'Unique within the organisation' })
  @Trim()
  @IsString()
  @Length(1, 100)
  serialNumber!: string;
}

export class ListMetersQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: METER_TYPES })
  @IsOptional()
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
    description: 'The meter was replaced: the value may be lower than the last one',
  })
  @IsOptional()
  @IsBoolean()
  isReplacement?: boolean;

  @ApiPropertyOptional({ description: 'The reading period this reading belongs to' })
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
  @ApiProperty() id!: string;
  @ApiProperty() meterId!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) periodId!: string | null;
  @ApiProperty() value!: number;
  @ApiProperty() readOn!: string;
  @ApiProperty() isReplacement!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) submittedByUserId!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class MeterResponse {
  @ApiProperty() id!: string;
  @ApiProperty() unitId!: string;
  @ApiProperty({ enum: METER_TYPES }) type!: MeterType;
  @ApiProperty() serialNumber!: string;
  @ApiPropertyOptional({ type: MeterReadingResponse, nullable: true })
  lastReading!: MeterReadingResponse | null;
  @ApiProperty() createdAt!: Date;
}

export class MeterPageResponse extends PageResponse(MeterResponse) {}

export class ReadingPeriodResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() startsOn!: string;
  @ApiProperty() deadline!: string;
  @ApiProperty() createdAt!: Date;
}
