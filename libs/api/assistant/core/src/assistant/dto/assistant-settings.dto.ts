import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSISTANT_PROVIDERS, type AssistantProvider } from '@ppt/api-db';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class PutAssistantSettingsDto {
  @ApiPropertyOptional({
    example: true,
    description: 'The feature flag: off, the assistant answers 403 AI_DISABLED',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({
    enum: ASSISTANT_PROVIDERS,
    example: 'openai',
    description:
      'openai: OpenAI or any OpenAI-compatible server (Ollama, vLLM) at baseUrl; anthropic: the Messages API',
  })
  @IsIn(ASSISTANT_PROVIDERS)
  provider!: AssistantProvider;

  @ApiProperty({
    example: 'https://api.openai.com/v1',
    description: 'https (plain http only to an allow-listed address)',
  })
  @IsString()
  @Length(8, 500)
  baseUrl!: string;

  @ApiProperty({ example: 'gpt-4o-mini' })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiPropertyOptional({
    example: 'sk-…',
    description:
      'Write-only: sealed and never returned. Omit to keep the saved key (same provider and base URL)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  apiKey?: string;

  @ApiProperty({ example: 0.2, minimum: 0, maximum: 2 })
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature!: number;

  @ApiProperty({ example: 1024, minimum: 16, maximum: 32000 })
  @IsInt()
  @Min(16)
  @Max(32000)
  maxTokens!: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 2000000,
    description: 'Tokens per calendar month (UTC); null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  monthlyTokenBudget?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 50000000,
    description:
      'Cost per calendar month in micro-units of the provider’s currency (50000000 = 50.00); null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  monthlyCostBudgetMicros?: number | null;

  @ApiPropertyOptional({ example: 150000, description: 'Price of a million input tokens, micro-units' })
  @IsOptional()
  @IsInt()
  @Min(0)
  inputPricePerMillionMicros?: number;

  @ApiPropertyOptional({ example: 600000, description: 'Price of a million output tokens, micro-units' })
  @IsOptional()
  @IsInt()
  @Min(0)
  outputPricePerMillionMicros?: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 60,
    description: 'Requests per minute for the whole organisation; null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  requestsPerMinute?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'text-embedding-3-small',
    description:
      'An embedding model of the same (openai-compatible) provider, key and base URL: document search indexes this organisation’s documents and embeds its questions with it. It must answer 1536 dimensions (asked for with `dimensions`; checked by a test call: 422 AI_EMBEDDING_DIMENSIONS). Null: none of its own (the platform’s model, if any); omitted: the saved one is kept (and checked again). Changing it re-embeds the documents in the background.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  embeddingModel?: string | null;
}

export class AssistantSettingsResponse {
  @ApiProperty({
    enum: ['organization', 'platform', 'none'],
    example: 'organization',
    description:
      'Whose configuration applies: the organisation’s own, the platform default, or none (no assistant)',
  })
  source!: 'organization' | 'platform' | 'none';

  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiPropertyOptional({ enum: ASSISTANT_PROVIDERS, nullable: true, example: 'openai' })
  provider!: AssistantProvider | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://api.openai.com/v1' }) baseUrl!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'gpt-4o-mini' }) model!: string | null;
  @ApiProperty({ example: true, description: 'A key is saved (it is never returned)' }) apiKeySet!: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.2 }) temperature!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1024 }) maxTokens!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 2000000 }) monthlyTokenBudget!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 50000000 }) monthlyCostBudgetMicros!:
    number | null;
  @ApiProperty({ example: 150000 }) inputPricePerMillionMicros!: number;
  @ApiProperty({ example: 600000 }) outputPricePerMillionMicros!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 60 }) requestsPerMinute!: number | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'text-embedding-3-small',
    description: 'The organisation’s own embedding model (null: the platform’s, if any)',
  })
  embeddingModel!: string | null;
  @ApiProperty({ example: 1234, description: 'Tokens used this month' }) usedTokensThisMonth!: number;
  @ApiProperty({ example: 1850, description: 'Cost this month, micro-units' })
  usedCostMicrosThisMonth!: number;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'When the monthly budgets reset' })
  budgetResetsAt!: Date;
}
