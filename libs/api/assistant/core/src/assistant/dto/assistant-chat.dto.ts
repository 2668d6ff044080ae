import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSISTANT_MESSAGE_ROLES, type AssistantMessageRole } from '@ppt/api-db';
import { Trim } from '@ppt/http';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';

export const EXAMPLE_ASSISTANT_CONVERSATION_ID = '3f1d7c2a-8e4b-4b6a-9c5d-1a2b3c4d5e6f';
export const EXAMPLE_ASSISTANT_MESSAGE_ID = '7a9b1c3d-5e7f-4a1b-8c2d-3e4f5a6b7c8d';
export const EXAMPLE_DOCUMENT_ID = '1c3e5a7c-9e1a-4c3e-8a5c-7e9a1c3e5a7d';

export class CreateAssistantConversationDto {
  @ApiPropertyOptional({ example: 'Heating costs 2026', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({
    example: EXAMPLE_ID.building,
    description: 'The building the conversation is about (goes into the context)',
  })
  @IsOptional()
  @IsUUID('all')
  buildingId?: string;
}

export class AskAssistantDto {
  @ApiProperty({
    example: 'When is the next heating inspection?',
    description:
      'Messages over ASSISTANT_MAX_MESSAGE_TOKENS (about 4 characters a token) are refused with 413',
    maxLength: 200000,
  })
  @Trim()
  @IsString()
  @Length(1, 200_000)
  content!: string;
}

export class AssistantConversationResponse {
  @ApiProperty({ example: EXAMPLE_ASSISTANT_CONVERSATION_ID }) id!: string;
  @ApiProperty({ example: 'Heating costs 2026' }) title!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.building }) buildingId!:
    string | null;
  @ApiProperty({ example: 4, description: 'Messages so far' }) messageCount!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class AssistantConversationListResponse {
  @ApiProperty({ type: [AssistantConversationResponse] }) items!: AssistantConversationResponse[];
}

export class AssistantCitationResponse {
  @ApiProperty({ example: EXAMPLE_DOCUMENT_ID }) documentId!: string;
  @ApiProperty({ example: 'House rules 2026' }) documentTitle!: string;
  @ApiProperty({ example: EXAMPLE_DOCUMENT_ID }) versionId!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 2 }) page!: number | null;
  @ApiProperty({ example: 3 }) chunkIndex!: number;
  @ApiProperty({
    example: `/api/v1/documents/${EXAMPLE_DOCUMENT_ID}`,
    description: 'The cited version of the document (GET /documents/{versionId}), as in document search',
  })
  link!: string;
}

export class AssistantMessageResponse {
  @ApiProperty({ example: EXAMPLE_ASSISTANT_MESSAGE_ID }) id!: string;
  @ApiProperty({ example: 2 }) seq!: number;
  @ApiProperty({ enum: ASSISTANT_MESSAGE_ROLES, example: 'assistant' }) role!: AssistantMessageRole;
  @ApiProperty({ example: 'The next inspection is on 12 March [1].' }) content!: string;
  @ApiProperty({ type: [AssistantCitationResponse] }) citations!: AssistantCitationResponse[];
  @ApiProperty({ example: 412 }) inputTokens!: number;
  @ApiProperty({ example: 38 }) outputTokens!: number;
  @ApiProperty({ example: 84, description: 'Micro-units of the provider’s currency' }) costMicros!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class AssistantMessageListResponse {
  @ApiProperty({ type: [AssistantMessageResponse] }) items!: AssistantMessageResponse[];
}
