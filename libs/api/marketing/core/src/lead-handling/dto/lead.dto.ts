import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LEAD_STATUSES, type LeadStatus } from '@ppt/api-db';
import { IsOmittable, PageQueryDto, PageResponse, Trim } from '@ppt/http';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';

export class ListLeadsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'Only leads in this state' })
  @IsOmittable()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @ApiPropertyOptional({ example: EXAMPLE_ID.listing, description: 'Only the leads of this listing' })
  @IsOptional()
  @IsUUID()
  listingId?: string;
}

export class ReplyToLeadDto {
  @ApiProperty({ example: 'Yes, it is. Saturday at 10:00 at the house?' })
  @Trim()
  @IsString()
  @Length(1, 5000)
  message!: string;
}

/** `handled` closes the lead; `open` reopens it (back to replied if it has a reply, else new). */
export class ChangeLeadStatusDto {
  @ApiProperty({ enum: ['handled', 'open'], example: 'handled' })
  @IsIn(['handled', 'open'])
  status!: 'handled' | 'open';
}

export class LeadReplyResponse {
  @ApiProperty({ example: EXAMPLE_ID.listingInquiry }) id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) authorUserId!:
    string | null;
  @ApiProperty({ example: 'Yes, it is. Saturday at 10:00 at the house?' }) message!: string;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: EXAMPLE_TIME.updated,
    description: 'When the e-mail to the inquirer went out (null while it is on its way)',
  })
  emailedAt!: Date | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class LeadResponse {
  @ApiProperty({ example: EXAMPLE_ID.listingInquiry }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.listing }) listingId!: string;
  @ApiProperty({ example: 'Flat 2+kk with a balcony' }) listingTitle!: string;
  @ApiProperty({ enum: LEAD_STATUSES, example: 'new' }) status!: LeadStatus;
  @ApiProperty({ example: 'Petr Svoboda' }) name!: string;
  @ApiProperty({ example: 'petr.svoboda@example.com' }) email!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+420 602 345 678' }) phone!: string | null;
  @ApiProperty({ example: 'Is the flat still available from January? Can I see it this week?' })
  message!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: null,
    description: 'The lead this inquiry was folded into (the same visitor wrote within a day)',
  })
  foldedIntoId!: string | null;
  @ApiProperty({ example: 0, description: 'Later inquiries of the same visitor folded into this one' })
  foldedCount!: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: null })
  handledAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null }) handledByUserId!: string | null;
  @ApiProperty({ type: [LeadReplyResponse] }) replies!: LeadReplyResponse[];
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class LeadPageResponse extends PageResponse(LeadResponse) {}
