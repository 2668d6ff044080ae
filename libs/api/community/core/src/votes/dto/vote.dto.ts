import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MAJORITY_RULES,
  VOTE_KINDS,
  VOTE_STATUSES,
  type MajorityRule,
  type VoteKind,
  type VoteStatus,
} from '@ppt/api-db';
import { IsOmittable, PageResponse, Trim, UpdateType } from '@ppt/http';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';
import { EXAMPLE_END, EXAMPLE_HASH, EXAMPLE_START, VOTE_EXAMPLE_ID } from './examples';

const SHARE_PATTERN = /^(\d{1,9}\/\d{1,9}|\d{1,3}(\.\d{1,4})?%)$/;

export class OptionInputDto {
  @ApiProperty({ example: 'Pro' })
  @Trim()
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiPropertyOptional({
    example: false,
    description: 'An abstention: counts as taking part (quorum, majority base) but never wins',
  })
  @IsOmittable()
  @IsBoolean()
  abstain?: boolean;
}

export class QuestionInputDto {
  @ApiProperty({ example: 'Schvalujete výměnu výtahu za 1 850 000 Kč z fondu oprav?' })
  @Trim()
  @IsString()
  @Length(1, 1000)
  text!: string;

  @ApiPropertyOptional({ example: 'Nabídka firmy Výtahy Praha s.r.o. ze dne 3. 11. 2026.' })
  @IsOmittable()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({
    example: '1/2',
    description:
      'Share of the eligible weight that must take part: a fraction ("1/2", "2/3") or a percentage ("50%", "33.33%"). Exactly at the quorum is enough.',
  })
  @Matches(SHARE_PATTERN, { message: 'quorum must be a fraction like 1/2 or a percentage like 50%' })
  quorum!: string;

  @ApiPropertyOptional({
    enum: MAJORITY_RULES,
    default: 'simple',
    example: 'simple',
    description:
      'simple: the winning option has more than half of the participating weight; two_thirds: at least two thirds; unanimous: all of it',
  })
  @IsOmittable()
  @IsIn(MAJORITY_RULES)
  majority?: MajorityRule;

  @ApiProperty({ type: [OptionInputDto], description: '2–20 options with distinct labels, in display order' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OptionInputDto)
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ArrayUnique((o: OptionInputDto) => o.label, { message: 'option labels must be distinct' })
  options!: OptionInputDto[];
}

export class CreateVoteDto {
  @ApiProperty({ example: 'Shromáždění vlastníků 2026' })
  @Trim()
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'Řádné shromáždění, zasedací místnost v přízemí.' })
  @IsOmittable()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({
    enum: VOTE_KINDS,
    example: 'meeting',
    description: 'meeting, or written (per rollam: at least 15 days between start and end)',
  })
  @IsIn(VOTE_KINDS)
  kind!: VoteKind;

  @ApiPropertyOptional({ example: false, description: 'Who voted is kept apart from what they voted' })
  @IsOmittable()
  @IsBoolean()
  secret?: boolean;

  @ApiPropertyOptional({
    type: [String],
    example: [EXAMPLE_ID.building],
    description: 'Buildings in scope; none = the whole organisation',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  buildingIds?: string[];

  @ApiProperty({ example: EXAMPLE_START, description: 'Ballots are accepted from here (once opened)' })
  @IsISO8601({ strict: true })
  startAt!: string;

  @ApiProperty({ example: EXAMPLE_END, description: 'Ballots are accepted until here' })
  @IsISO8601({ strict: true })
  endAt!: string;

  @ApiProperty({ type: [QuestionInputDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QuestionInputDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  questions!: QuestionInputDto[];
}

/** Drafts only; `questions`, when given, replace all of them. */
export class UpdateVoteDto extends UpdateType(CreateVoteDto) {}

export const VOTE_SORTS = sortOptions(['startAt', 'endAt', 'createdAt', 'title']);

export class ListVotesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: VOTE_SORTS, default: '-startAt' })
  @IsOmittable()
  @IsIn(VOTE_SORTS)
  sort = '-startAt';

  @ApiPropertyOptional({ enum: VOTE_STATUSES })
  @IsOmittable()
  @IsIn(VOTE_STATUSES)
  status?: VoteStatus;

  @ApiPropertyOptional({ enum: VOTE_KINDS })
  @IsOmittable()
  @IsIn(VOTE_KINDS)
  kind?: VoteKind;
}

/** An exact share, and the same rounded for display. */
export class ShareResponse {
  @ApiProperty({ example: '617/5000', description: 'Exact, reduced' }) fraction!: string;
  @ApiProperty({ example: '12.34', description: 'Percent, rounded to 2 places (display only)' })
  percent!: string;
}

export class OptionResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.option }) id!: string;
  @ApiProperty({ example: 1 }) position!: number;
  @ApiProperty({ example: 'Pro' }) label!: string;
  @ApiProperty({ example: false }) abstain!: boolean;
}

export class OptionResultResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.option }) optionId!: string;
  @ApiProperty({ type: ShareResponse }) weight!: ShareResponse;
  @ApiProperty({ example: 14, description: 'Units whose ballot chose it' }) units!: number;
}

export class QuestionResultResponse {
  @ApiProperty({ type: ShareResponse }) eligibleWeight!: ShareResponse;
  @ApiProperty({ type: ShareResponse }) participatingWeight!: ShareResponse;
  @ApiProperty({ example: 21 }) participatingUnits!: number;
  @ApiProperty({ example: true }) quorumReached!: boolean;
  @ApiProperty({
    enum: ['adopted', 'no_majority', 'tie', 'no_quorum'],
    example: 'adopted',
    description: 'A tie (two or more options sharing the most weight) has no winner',
  })
  outcome!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: VOTE_EXAMPLE_ID.option })
  winningOptionId!: string | null;
  @ApiProperty({ type: [OptionResultResponse] }) options!: OptionResultResponse[];
}

export class QuestionResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.question }) id!: string;
  @ApiProperty({ example: 1 }) position!: number;
  @ApiProperty({ example: 'Schvalujete výměnu výtahu za 1 850 000 Kč z fondu oprav?' }) text!: string;
  @ApiProperty({ example: 'Nabídka firmy Výtahy Praha s.r.o. ze dne 3. 11. 2026.' }) description!: string;
  @ApiProperty({ type: ShareResponse }) quorum!: ShareResponse;
  @ApiProperty({ enum: MAJORITY_RULES, example: 'simple' }) majority!: MajorityRule;
  @ApiProperty({ type: [OptionResponse] }) options!: OptionResponse[];
  @ApiPropertyOptional({ type: QuestionResultResponse, nullable: true, description: 'Once closed' })
  result!: QuestionResultResponse | null;
}

/** A unit the caller may vote for (or has handed to a proxy) in this vote. */
export class MyUnitResponse {
  @ApiProperty({ example: EXAMPLE_ID.unit }) unitId!: string;
  @ApiProperty({ type: ShareResponse }) weight!: ShareResponse;
  @ApiProperty({
    enum: ['owner', 'proxy', 'delegated'],
    example: 'owner',
    description: 'delegated: you own it, but a proxy votes for it until you revoke the delegation',
  })
  right!: 'owner' | 'proxy' | 'delegated';
  @ApiPropertyOptional({ type: String, nullable: true, example: VOTE_EXAMPLE_ID.delegation })
  delegationId!: string | null;
  @ApiProperty({ type: [String], example: [VOTE_EXAMPLE_ID.question] }) votedQuestionIds!: string[];
}

export class VoteSummaryResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.vote }) id!: string;
  @ApiProperty({ example: 'Shromáždění vlastníků 2026' }) title!: string;
  @ApiProperty({ example: 'Řádné shromáždění, zasedací místnost v přízemí.' }) description!: string;
  @ApiProperty({ enum: VOTE_KINDS, example: 'meeting' }) kind!: VoteKind;
  @ApiProperty({ example: false }) secret!: boolean;
  @ApiProperty({ enum: VOTE_STATUSES, example: 'open' }) status!: VoteStatus;
  @ApiProperty({ type: [String], example: [EXAMPLE_ID.building] }) buildingIds!: string[];
  @ApiProperty({ example: EXAMPLE_START }) startAt!: Date;
  @ApiProperty({ example: EXAMPLE_END }) endAt!: Date;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_START }) openedAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_END }) closedAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated })
  cancelledAt!: Date | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 24, description: 'Set on opening' })
  eligibleUnitCount!: number | null;
  @ApiPropertyOptional({ type: ShareResponse, nullable: true, description: 'Set on opening' })
  eligibleWeight!: ShareResponse | null;
  @ApiProperty({ example: 31, description: 'Ballots in the chain, changed ones included' })
  ballotCount!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_HASH }) chainHead!: string | null;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class VoteResponse extends VoteSummaryResponse {
  @ApiProperty({ type: [QuestionResponse] }) questions!: QuestionResponse[];
  @ApiProperty({ type: [MyUnitResponse] }) myUnits!: MyUnitResponse[];
}

export class VotePageResponse extends PageResponse(VoteSummaryResponse) {}
