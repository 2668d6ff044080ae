import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable, PageResponse } from '@ppt/http';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import {
  EXAMPLE_CHANGE_TOKEN,
  EXAMPLE_HASH,
  EXAMPLE_PREVIOUS_HASH,
  EXAMPLE_START,
  VOTE_EXAMPLE_ID,
} from './examples';

export class CastBallotDto {
  @ApiProperty({ example: EXAMPLE_ID.unit, description: 'The unit you vote for, as an owner or its proxy' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: VOTE_EXAMPLE_ID.question })
  @IsUUID()
  questionId!: string;

  @ApiProperty({ example: VOTE_EXAMPLE_ID.option })
  @IsUUID()
  optionId!: string;

  @ApiPropertyOptional({
    example: EXAMPLE_CHANGE_TOKEN,
    description:
      'Secret votes: to change a ballot, the change token from its receipt (the server keeps no link from a voter to a secret ballot)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'changeToken must be the token from a receipt' })
  changeToken?: string;
}

/** What a voter keeps: with the ballot id and hash they can check the ballot against the chain. */
export class BallotReceiptResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.ballot }) ballotId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.vote }) voteId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.question }) questionId!: string;
  @ApiProperty({ example: 7 }) sequence!: number;
  @ApiProperty({ example: EXAMPLE_HASH }) hash!: string;
  @ApiProperty({ example: EXAMPLE_PREVIOUS_HASH }) previousHash!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: VOTE_EXAMPLE_ID.previousBallot,
    description: 'The earlier ballot of the unit this one replaces',
  })
  supersedesBallotId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EXAMPLE_CHANGE_TOKEN,
    description: 'Secret votes only, shown once: needed to change this ballot',
  })
  changeToken!: string | null;
}

export class ChainEntryResponse {
  @ApiProperty({ example: 7 }) sequence!: number;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.ballot }) ballotId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.question }) questionId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.option }) optionId!: string;
  @ApiProperty({ example: '617/10000', description: 'The unit’s ownership share, as stored' })
  weight!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EXAMPLE_ID.unit,
    description: 'null in a secret vote',
  })
  unitId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EXAMPLE_ID.person,
    description: 'null in a secret vote',
  })
  castByPersonId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EXAMPLE_START,
    description: 'null in a secret vote',
  })
  castAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: VOTE_EXAMPLE_ID.previousBallot })
  supersedesBallotId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: EXAMPLE_PREVIOUS_HASH,
    description: 'Secret votes: sha256(unitId + ":" + the receipt’s change token)',
  })
  changeTokenHash!: string | null;
  @ApiProperty({ example: true, description: 'Not replaced by a later ballot of the same unit' })
  counted!: boolean;
  @ApiProperty({ example: EXAMPLE_PREVIOUS_HASH }) previousHash!: string;
  @ApiProperty({ example: EXAMPLE_HASH }) hash!: string;
}

export class BallotChainResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.vote }) voteId!: string;
  @ApiProperty({ example: false }) secret!: boolean;
  @ApiProperty({ example: true, description: 'Every hash recomputes and links to the one before' })
  verified!: boolean;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: null,
    description: 'The first sequence number where the chain no longer holds',
  })
  brokenAtSequence!: number | null;
  @ApiPropertyOptional({
    enum: ['sequence_gap', 'previous_hash_mismatch', 'hash_mismatch', 'head_mismatch'],
    nullable: true,
    example: null,
  })
  reason!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_HASH }) headHash!: string | null;
  @ApiProperty({ example: 31 }) ballotCount!: number;
  @ApiProperty({
    example:
      'hash = sha256(previousHash + JSON [1, ballotId, voteId, sequence, questionId, optionId, weight, unitId, castByPersonId, castAt, supersedesBallotId, changeTokenHash]); the first previousHash is 64 zeros; changeTokenHash = sha256(unitId + ":" + changeToken)',
  })
  algorithm!: string;
  @ApiProperty({
    example: true,
    description:
      'False while a secret vote is open: its entries are published when it closes (or is cancelled), so their order cannot be matched with who voted meanwhile. `verified`, `headHash` and `ballotCount` are always given.',
  })
  entriesPublished!: boolean;
  @ApiProperty({ type: [ChainEntryResponse] }) entries!: ChainEntryResponse[];
}

export class ReceiptCheckResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.ballot }) ballotId!: string;
  @ApiProperty({ example: 7 }) sequence!: number;
  @ApiProperty({ example: EXAMPLE_HASH, description: 'Compare with the hash on your receipt' }) hash!: string;
  @ApiProperty({ example: true, description: 'The ballot’s content still hashes to its hash' })
  intact!: boolean;
  @ApiProperty({ example: true, description: 'Not replaced by a later ballot of the same unit' })
  counted!: boolean;
  @ApiProperty({ example: true, description: 'The whole chain verifies' }) chainVerified!: boolean;
}

export class CreateDelegationDto {
  @ApiProperty({ example: EXAMPLE_ID.unit })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: VOTE_EXAMPLE_ID.proxy, description: 'A person of the organisation' })
  @IsUUID()
  proxyPersonId!: string;

  @ApiPropertyOptional({
    example: EXAMPLE_ID.person,
    description:
      'The owner who delegates. Managers recording a paper power of attorney must give it; owners may omit it',
  })
  @IsOmittable()
  @IsUUID()
  grantorPersonId?: string;
}

export class DelegationResponse {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.delegation }) id!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.vote }) voteId!: string;
  @ApiProperty({ example: EXAMPLE_ID.unit }) unitId!: string;
  @ApiProperty({ example: EXAMPLE_ID.person }) grantorPersonId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.proxy }) proxyPersonId!: string;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated }) revokedAt!: Date | null;
}

export class DelegationPageResponse extends PageResponse(DelegationResponse) {}

/** A unit took part in a question: who cast its (latest) ballot, and through which delegation. */
export class ParticipationResponse {
  @ApiProperty({ example: EXAMPLE_ID.unit }) unitId!: string;
  @ApiProperty({ example: VOTE_EXAMPLE_ID.question }) questionId!: string;
  @ApiProperty({ example: EXAMPLE_ID.person }) personId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: VOTE_EXAMPLE_ID.delegation })
  delegationId!: string | null;
}

export class QuestionParticipationCount {
  @ApiProperty({ example: VOTE_EXAMPLE_ID.question }) questionId!: string;
  @ApiProperty({ example: 12, description: 'Units that took part in the question' }) units!: number;
}

export class ParticipationPageResponse extends PageResponse(ParticipationResponse) {
  @ApiProperty({
    example: false,
    description:
      'True while a secret vote is open: only the counts are shown (items is empty) until it closes, so who voted cannot be paired with the ballots as they arrive',
  })
  hiddenUntilClose!: boolean;
  @ApiProperty({ type: [QuestionParticipationCount] }) byQuestion!: QuestionParticipationCount[];
}
