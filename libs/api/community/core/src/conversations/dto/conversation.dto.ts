import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSATION_KINDS, type ConversationKind } from '@ppt/api-db';
import { IsOmittable, PageQueryDto, PageResponse, Trim } from '@ppt/http';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';

/** Example ids of this feature (the shared ones come from common/examples). */
export const EXAMPLE_CONVERSATION_ID = '0c4e8a2f-6b1d-4d9e-8f3a-5b7c9d1e3f60';
export const EXAMPLE_MESSAGE_ID = '6d2f8b4a-1e3c-4a7f-9b5d-2c8e4f6a0b13';
export const EXAMPLE_CLIENT_MESSAGE_ID = 'a3c5e7f9-2b4d-4f6a-8c1e-9d7b5f3a1c24';

export class CreateConversationDto {
  @ApiProperty({
    enum: CONVERSATION_KINDS,
    example: 'direct',
    description: 'direct: with one other member (userId); building: everyone of a building (buildingId)',
  })
  @IsIn(CONVERSATION_KINDS)
  kind!: ConversationKind;

  @ApiPropertyOptional({ example: EXAMPLE_ID.resident, description: 'For kind direct: the other member' })
  @IsOmittable()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.building, description: 'For kind building' })
  @IsOptional()
  @IsUUID('all')
  buildingId?: string;

  @ApiPropertyOptional({ example: 'Heating in the stairwell' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  subject?: string;
}

export class SendMessageDto {
  @ApiProperty({
    example: EXAMPLE_CLIENT_MESSAGE_ID,
    description: 'Chosen by the client once per message; resending with it never duplicates the message',
  })
  @IsUUID('all')
  clientMessageId!: string;

  @ApiProperty({ example: 'The radiator on the 3rd floor is cold again.', minLength: 1, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(1, 5000)
  body!: string;

  @ApiPropertyOptional({
    type: [String],
    example: [EXAMPLE_ID.photo],
    description: 'Active documents of this organisation that the sender may see (at most 10)',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentDocumentIds?: string[];
}

export class MarkReadDto {
  @ApiPropertyOptional({
    example: EXAMPLE_MESSAGE_ID,
    description: 'Read up to and including this message; default: the newest one',
  })
  @IsOmittable()
  @IsUUID('all')
  messageId?: string;
}

export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_MESSAGE_ID,
    description: 'Only messages older than this one (a cursor for scrolling back)',
  })
  @IsOmittable()
  @IsUUID('all')
  before?: string;
}

export class ParticipantResponse {
  @ApiProperty({ example: EXAMPLE_ID.resident }) userId!: string;
  @ApiProperty({ example: 'Jana Nováková' }) displayName!: string;
}

export class MessageResponse {
  @ApiProperty({ example: EXAMPLE_MESSAGE_ID }) id!: string;
  @ApiProperty({ example: EXAMPLE_CONVERSATION_ID }) conversationId!: string;
  @ApiProperty({ example: 7, description: '1, 2, 3, … within the conversation' }) seq!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.resident }) senderUserId!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Jana Nováková' }) senderDisplayName!:
    string | null;
  @ApiProperty({ example: EXAMPLE_CLIENT_MESSAGE_ID }) clientMessageId!: string;
  @ApiProperty({ example: 'The radiator on the 3rd floor is cold again.' }) body!: string;
  @ApiProperty({ type: [String], example: [EXAMPLE_ID.photo] }) attachmentDocumentIds!: string[];
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class MessagePageResponse extends PageResponse(MessageResponse) {}

export class LastMessageResponse {
  @ApiProperty({ example: EXAMPLE_MESSAGE_ID }) id!: string;
  @ApiProperty({ example: 7 }) seq!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.resident }) senderUserId!:
    string | null;
  @ApiProperty({
    example: 'The radiator on the 3rd floor is cold again.',
    description: 'First 200 characters',
  })
  preview!: string;
  @ApiProperty({ example: 1 }) attachmentCount!: number;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class ConversationResponse {
  @ApiProperty({ example: EXAMPLE_CONVERSATION_ID }) id!: string;
  @ApiProperty({ enum: CONVERSATION_KINDS, example: 'direct' }) kind!: ConversationKind;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Heating in the stairwell' }) subject!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null }) buildingId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) createdByUserId!:
    string | null;
  @ApiProperty({
    type: [ParticipantResponse],
    description:
      'Direct: both members. Building: the members who have read or posted there (at most 20; the audience is the staff and current residents)',
  })
  participants!: ParticipantResponse[];
  @ApiProperty({ example: 2, description: 'Participant rows in total' }) participantCount!: number;
  @ApiPropertyOptional({ type: LastMessageResponse, nullable: true })
  lastMessage!: LastMessageResponse | null;
  @ApiProperty({ example: 3, description: 'Messages of others you have not read' }) unreadCount!: number;
  @ApiProperty({ example: EXAMPLE_TIME.updated, description: 'Newest message, or creation' })
  lastActivityAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class ConversationPageResponse extends PageResponse(ConversationResponse) {}

export class ReadStateResponse {
  @ApiProperty({ example: 7, description: 'Messages up to this seq are read' }) lastReadSeq!: number;
  @ApiProperty({ example: 0 }) unreadCount!: number;
}
