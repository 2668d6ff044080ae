import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { decimal } from '@ppt/db';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { User } from './user.entity';

/** bigint counters (tokens, micro-units of cost) as numbers; they stay below 2^53. */
const bigCount = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

export const ASSISTANT_PROVIDERS = ['openai', 'anthropic'] as const;
export type AssistantProvider = (typeof ASSISTANT_PROVIDERS)[number];

/**
 * An organisation's LLM configuration (one row; without one the platform default from the
 * environment applies). The API key is sealed with the SecretBox, bound to the organisation, and
 * never returned.
 */
@Entity('assistant_settings')
@Index('uq_assistant_settings_org', ['organizationId'], { unique: true })
export class AssistantSettings extends TenantEntity {
  /** The feature flag: off, the assistant answers 403 AI_DISABLED in this organisation. */
  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'enum', enum: ASSISTANT_PROVIDERS, enumName: 'assistant_provider' })
  provider!: AssistantProvider;

  @Column({ type: 'varchar', length: 500 })
  baseUrl!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ type: 'text' })
  apiKeySealed!: string;

  @Column({ type: 'numeric', precision: 3, scale: 2, transformer: decimal })
  temperature!: number;

  @Column({ type: 'integer' })
  maxTokens!: number;

  @Column({ type: 'bigint', nullable: true, transformer: bigCount })
  monthlyTokenBudget!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigCount })
  monthlyCostBudgetMicros!: number | null;

  @Column({ type: 'bigint', default: 0, transformer: bigCount })
  inputPricePerMillionMicros!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigCount })
  outputPricePerMillionMicros!: number;

  @Column({ type: 'integer', nullable: true })
  requestsPerMinute!: number | null;

  /**
   * The organisation's own embedding model at the same (OpenAI-compatible) endpoint, with the same key:
   * document search indexes its documents and embeds its queries with it. Null: the platform default.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  embeddingModel!: string | null;
}

/** A user's conversation with the assistant: only that user sees it (RLS on app.current_user). */
@Entity('assistant_conversations')
@Index('uq_assistant_conversations_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_assistant_conversations_org_user_updated', ['organizationId', 'userId', 'updatedAt'])
export class AssistantConversation extends TenantEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The building the conversation is about (goes into the system prompt), if any. */
  @Column({ type: 'uuid', nullable: true })
  buildingId!: string | null;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** Running summary of the messages up to `summaryThroughSeq` (kept when the history outgrows the budget). */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ type: 'integer', default: 0 })
  summaryThroughSeq!: number;

  @Column({ type: 'integer', default: 0 })
  lastSeq!: number;
}

export const ASSISTANT_MESSAGE_ROLES = ['user', 'assistant'] as const;
export type AssistantMessageRole = (typeof ASSISTANT_MESSAGE_ROLES)[number];

export interface AssistantCitation {
  documentId: string;
  documentTitle: string;
  versionId: string;
  page: number | null;
  chunkIndex: number;
}

@Entity('assistant_messages')
@Index('uq_assistant_messages_org_conversation_seq', ['organizationId', 'conversationId', 'seq'], {
  unique: true,
})
export class AssistantMessage extends TenantRecord {
  @Column({ type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => AssistantConversation, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('conversation_id'))
  conversation?: AssistantConversation;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'enum', enum: ASSISTANT_MESSAGE_ROLES, enumName: 'assistant_message_role' })
  role!: AssistantMessageRole;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  citations!: AssistantCitation[];

  @Column({ type: 'integer', default: 0 })
  inputTokens!: number;

  @Column({ type: 'integer', default: 0 })
  outputTokens!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigCount })
  costMicros!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** Every provider call's usage, for the organisation's monthly budgets (chat, summaries, drafts). */
@Entity('assistant_usage')
@Index('ix_assistant_usage_org_created', ['organizationId', 'createdAt'])
export class AssistantUsage extends TenantRecord {
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** chat, chat-summary, settings-test, draft:<kind> */
  @Column({ type: 'varchar', length: 50 })
  feature!: string;

  @Column({ type: 'integer' })
  inputTokens!: number;

  @Column({ type: 'integer' })
  outputTokens!: number;

  @Column({ type: 'bigint', transformer: bigCount })
  costMicros!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export const ASSISTANT_DRAFT_KINDS = [
  'listing-description',
  'announcement',
  'document-summary',
  'lease',
] as const;
export type AssistantDraftKind = (typeof ASSISTANT_DRAFT_KINDS)[number];

/**
 * Something the assistant wrote for a person to edit and use: never published by itself. The
 * prompt template's id (`listing-description/v1`) is kept with it.
 */
@Entity('assistant_drafts')
@Index('ix_assistant_drafts_org_subject', ['organizationId', 'subjectId'])
@Index('ix_assistant_drafts_org_created', ['organizationId', 'createdAt'])
export class AssistantDraft extends TenantEntity {
  @Column({ type: 'enum', enum: ASSISTANT_DRAFT_KINDS, enumName: 'assistant_draft_kind' })
  kind!: AssistantDraftKind;

  /** The listing, document, lease… it is about (null for announcements on a free topic). */
  @Column({ type: 'uuid', nullable: true })
  subjectId!: string | null;

  @Column({ type: 'varchar', length: 5, nullable: true })
  language!: string | null;

  @Column({ type: 'varchar', length: 100 })
  templateId!: string;

  /** What it was asked (tone, portal, topic…), as the request gave it. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  parameters!: Record<string, unknown>;

  /** One text, or several variants to choose from; editable. */
  @Column({ type: 'text', array: true })
  variants!: string[];

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;
}
