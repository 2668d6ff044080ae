import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Building } from './building.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { User } from './user.entity';

export const CONVERSATION_KINDS = ['direct', 'building'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

/**
 * A conversation: `direct` between two members (one per pair: the pair is stored ordered, so
 * (a, b) and (b, a) meet the same unique key), or `building`-wide, whose audience is the staff plus the
 * current residents of the building. Messages are numbered per conversation (`lastSeq` is the newest).
 */
@Entity('conversations')
@Index('uq_conversations_org_id', ['organizationId', 'id'], { unique: true })
@Index('uq_conversations_org_direct_pair', ['organizationId', 'directLowUserId', 'directHighUserId'], {
  unique: true,
})
@Index('ix_conversations_org_last_activity', ['organizationId', 'lastActivityAt'])
@Index('ix_conversations_org_building', ['organizationId', 'buildingId'])
export class Conversation extends TenantEntity {
  @Column({ type: 'enum', enum: CONVERSATION_KINDS, enumName: 'conversation_kind' })
  kind!: ConversationKind;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subject!: string | null;

  @Column({ type: 'uuid', nullable: true })
  buildingId!: string | null;

  @ManyToOne(() => Building, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('building_id'))
  building?: Building;

  /** Direct conversations: the smaller and the larger of the two user ids (a key, not a relation). */
  @Column({ type: 'uuid', nullable: true })
  directLowUserId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  directHighUserId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  /** The seq of the newest message (0: none yet). */
  @Column({ type: 'integer', default: 0 })
  lastSeq!: number;

  /** When the newest message was sent, or when the conversation was created (the list sorts by it). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastActivityAt!: Date;
}

/**
 * A member's place in a conversation and how far they have read. Direct conversations have both
 * members from the start; building-wide ones gain a row when someone first reads or posts there.
 */
@Entity('conversation_participants')
@Index('uq_conversation_participants_org_conversation_user', ['organizationId', 'conversationId', 'userId'], {
  unique: true,
})
@Index('ix_conversation_participants_org_user', ['organizationId', 'userId'])
export class ConversationParticipant extends TenantRecord {
  @Column({ type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('conversation_id'))
  conversation?: Conversation;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** Messages up to this seq count as read. */
  @Column({ type: 'integer', default: 0 })
  lastReadSeq!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastReadAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * One message. `clientMessageId` is chosen by the sender's device: a retry with the same one returns
 * the message already stored (unique per organisation, conversation and sender).
 */
@Entity('conversation_messages')
@Index('uq_conversation_messages_org_conversation_seq', ['organizationId', 'conversationId', 'seq'], {
  unique: true,
})
@Index(
  'uq_conversation_messages_org_conversation_sender_client',
  ['organizationId', 'conversationId', 'senderUserId', 'clientMessageId'],
  { unique: true },
)
// GIN (access checks: which message attaches a document); TypeORM cannot express the method.
@Index('ix_conversation_messages_attachments', { synchronize: false })
export class ConversationMessage extends TenantRecord {
  @Column({ type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('conversation_id'))
  conversation?: Conversation;

  /** 1, 2, 3, … within the conversation, in the order messages were stored. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'uuid', nullable: true })
  senderUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sender_user_id' })
  sender?: User;

  @Column({ type: 'uuid' })
  clientMessageId!: string;

  @Column({ type: 'varchar', length: 5000 })
  body!: string;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  attachmentDocumentIds!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
