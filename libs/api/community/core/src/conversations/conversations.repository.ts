import { Injectable } from '@nestjs/common';
import { type MembershipRole, type OrganizationScope } from '@ppt/db';
import { Building, ConversationMessage, type ConversationKind } from '@ppt/api-db';

/**
 * Who is looking: the user, and the units they currently own or live in (ResidentScope: null for staff,
 * who see every building-wide conversation).
 */
export interface Viewer {
  userId: string;
  unitIds: string[] | null;
}

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  subject: string | null;
  buildingId: string | null;
  createdByUserId: string | null;
  lastSeq: number;
  lastActivityAt: Date;
  createdAt: Date;
}

export interface ConversationSummaryRow extends ConversationRow {
  lastReadSeq: number;
  unreadCount: number;
  participants: { userId: string; displayName: string }[];
  participantCount: number;
  lastMessageId: string | null;
  lastMessageSeq: number | null;
  lastMessageSenderUserId: string | null;
  lastMessagePreview: string | null;
  lastMessageAttachmentCount: number | null;
  lastMessageCreatedAt: Date | null;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  seq: number;
  senderUserId: string | null;
  senderDisplayName: string | null;
  clientMessageId: string;
  body: string;
  attachmentDocumentIds: string[];
  createdAt: Date;
}

/** How many participants a summary names (the count is always complete). */
const PARTICIPANTS_SHOWN = 20;

const CONVERSATION_COLUMNS = `c.id, c.kind, c.subject, c.building_id AS "buildingId",
  c.created_by_user_id AS "createdByUserId", c.last_seq AS "lastSeq",
  c.last_activity_at AS "lastActivityAt", c.created_at AS "createdAt"`;

const MESSAGE_COLUMNS = `msg.id, msg.conversation_id AS "conversationId", msg.seq,
  msg.sender_user_id AS "senderUserId", usr.display_name AS "senderDisplayName",
  msg.client_message_id AS "clientMessageId", msg.body,
  msg.attachment_document_ids AS "attachmentDocumentIds", msg.created_at AS "createdAt"`;

/**
 * Whether viewer $2 (with home units $3, NULL for staff) may see conversation `c`: a direct one when
 * they take part in it; a building-wide one when they are staff or currently live in or own a unit of
 * its building. Every query that uses it passes [$1 organisation, $2 user id, $3 unit ids].
 */
const VISIBLE = `(CASE c.kind
  WHEN 'direct' THEN EXISTS (SELECT 1 FROM conversation_participants a
    WHERE a.organization_id = c.organization_id AND a.conversation_id = c.id AND a.user_id = $2)
  ELSE ($3::uuid[] IS NULL OR c.building_id IN (SELECT u.building_id FROM units u
    WHERE u.organization_id = c.organization_id AND u.id = ANY($3::uuid[])))
  END)`;

/** Conversations, participants and messages of one organisation; every method takes the scope (RLS backs the filter up). */
@Injectable()
export class ConversationsRepository {
  /**
   * One page of the viewer's conversations, newest activity first, each with the last message, the
   * viewer's unread count and the participants — one statement for the page whatever its size, and
   * one for the total.
   */
  async list(
    scope: OrganizationScope,
    viewer: Viewer,
    limit: number,
    offset: number,
  ): Promise<{ rows: ConversationSummaryRow[]; total: number }> {
    const params = [scope.organizationId, viewer.userId, viewer.unitIds];
    const rows: ConversationSummaryRow[] = await scope.manager.query(
      `${summarySelect()} WHERE c.organization_id = $1 AND ${VISIBLE}
        ORDER BY c.last_activity_at DESC, c.id LIMIT $4 OFFSET $5`,
      [...params, limit, offset],
    );
    const [{ total }]: { total: number }[] = await scope.manager.query(
      `SELECT count(*)::int AS total FROM conversations c WHERE c.organization_id = $1 AND ${VISIBLE}`,
      params,
    );
    return { rows, total };
  }

  async summary(
    scope: OrganizationScope,
    viewer: Viewer,
    id: string,
  ): Promise<ConversationSummaryRow | null> {
    const rows: ConversationSummaryRow[] = await scope.manager.query(
      `${summarySelect()} WHERE c.organization_id = $1 AND c.id = $4 AND ${VISIBLE}`,
      [scope.organizationId, viewer.userId, viewer.unitIds, id],
    );
    return rows[0] ?? null;
  }

  /**
   * The conversation if the viewer may see it; `lock` takes its row lock, which serialises the messages
   * sent to it (numbering them, and making a concurrent retry find the message its twin stored).
   */
  async findVisible(
    scope: OrganizationScope,
    viewer: Viewer,
    id: string,
    lock = false,
  ): Promise<ConversationRow | null> {
    const rows: ConversationRow[] = await scope.manager.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c
        WHERE c.organization_id = $1 AND c.id = $4 AND ${VISIBLE}${lock ? ' FOR UPDATE OF c' : ''}`,
      [scope.organizationId, viewer.userId, viewer.unitIds, id],
    );
    return rows[0] ?? null;
  }

  /** The role of a member of the organisation, or null for anyone else. */
  async memberRole(scope: OrganizationScope, userId: string): Promise<MembershipRole | null> {
    const rows: { role: MembershipRole }[] = await scope.manager.query(
      `SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`,
      [scope.organizationId, userId],
    );
    return rows[0]?.role ?? null;
  }

  buildingExists(scope: OrganizationScope, id: string): Promise<boolean> {
    return scope.manager.existsBy(Building, { organizationId: scope.organizationId, id });
  }

  /**
   * Stores the direct conversation of a pair unless it exists (the ordered pair is unique): the new id,
   * or null when another request created it first (even concurrently).
   */
  async insertDirect(
    scope: OrganizationScope,
    pair: [string, string],
    createdByUserId: string,
    subject: string | null,
  ): Promise<string | null> {
    const [low, high] = [...pair].sort();
    const rows: { id: string }[] = await scope.manager.query(
      `INSERT INTO conversations (organization_id, kind, subject, direct_low_user_id, direct_high_user_id, created_by_user_id)
       VALUES ($1, 'direct', $2, $3, $4, $5)
       ON CONFLICT (organization_id, direct_low_user_id, direct_high_user_id) DO NOTHING
       RETURNING id`,
      [scope.organizationId, subject, low, high, createdByUserId],
    );
    return rows[0]?.id ?? null;
  }

  async findDirect(scope: OrganizationScope, pair: [string, string]): Promise<string | null> {
    const [low, high] = [...pair].sort();
    const rows: { id: string }[] = await scope.manager.query(
      `SELECT id FROM conversations
        WHERE organization_id = $1 AND direct_low_user_id = $2 AND direct_high_user_id = $3`,
      [scope.organizationId, low, high],
    );
    return rows[0]?.id ?? null;
  }

  async insertBuilding(
    scope: OrganizationScope,
    buildingId: string,
    createdByUserId: string,
    subject: string | null,
  ): Promise<string> {
    const rows: { id: string }[] = await scope.manager.query(
      `INSERT INTO conversations (organization_id, kind, subject, building_id, created_by_user_id)
       VALUES ($1, 'building', $2, $3, $4) RETURNING id`,
      [scope.organizationId, subject, buildingId, createdByUserId],
    );
    return rows[0].id;
  }

  async addParticipants(scope: OrganizationScope, conversationId: string, userIds: string[]): Promise<void> {
    await scope.manager.query(
      `INSERT INTO conversation_participants (organization_id, conversation_id, user_id)
       SELECT $1, $2, unnest($3::uuid[])
       ON CONFLICT (organization_id, conversation_id, user_id) DO NOTHING`,
      [scope.organizationId, conversationId, userIds],
    );
  }

  /** Moves the user's read mark forward to `seq` (never back), joining them if they were not in yet. */
  async markRead(
    scope: OrganizationScope,
    conversationId: string,
    userId: string,
    seq: number,
  ): Promise<number> {
    const rows: { lastReadSeq: number }[] = await scope.manager.query(
      `INSERT INTO conversation_participants AS cp (organization_id, conversation_id, user_id, last_read_seq, last_read_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (organization_id, conversation_id, user_id) DO UPDATE
         SET last_read_seq = GREATEST(cp.last_read_seq, EXCLUDED.last_read_seq), last_read_at = now()
       RETURNING last_read_seq AS "lastReadSeq"`,
      [scope.organizationId, conversationId, userId, seq],
    );
    return rows[0].lastReadSeq;
  }

  async unreadCount(
    scope: OrganizationScope,
    conversationId: string,
    userId: string,
    afterSeq: number,
  ): Promise<number> {
    const [{ n }]: { n: number }[] = await scope.manager.query(
      `SELECT count(*)::int AS n FROM conversation_messages
        WHERE organization_id = $1 AND conversation_id = $2 AND seq > $4 AND sender_user_id IS DISTINCT FROM $3`,
      [scope.organizationId, conversationId, userId, afterSeq],
    );
    return n;
  }

  async participantUserIds(scope: OrganizationScope, conversationId: string): Promise<string[]> {
    const rows: { userId: string }[] = await scope.manager.query(
      `SELECT user_id AS "userId" FROM conversation_participants WHERE organization_id = $1 AND conversation_id = $2`,
      [scope.organizationId, conversationId],
    );
    return rows.map((r) => r.userId);
  }

  /**
   * Everyone a building-wide conversation reaches: the members with a staff role, and owners and
   * tenants who currently own or live in a unit of the building (the occupancy rule of ResidentScope,
   * turned round to find users by building).
   */
  async buildingAudience(
    scope: OrganizationScope,
    buildingId: string,
    staffRoles: readonly MembershipRole[],
  ): Promise<string[]> {
    const rows: { userId: string }[] = await scope.manager.query(
      `SELECT mem.user_id AS "userId" FROM memberships mem
        WHERE mem.organization_id = $1 AND (mem.role = ANY($3::membership_role[])
          OR (mem.role IN ('owner', 'tenant') AND EXISTS (SELECT 1 FROM unit_occupants o
                JOIN people p ON p.id = o.person_id AND p.organization_id = o.organization_id
                JOIN units u ON u.id = o.unit_id AND u.organization_id = o.organization_id
               WHERE o.organization_id = mem.organization_id AND p.user_id = mem.user_id AND u.building_id = $2
                 AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date))))`,
      [scope.organizationId, buildingId, staffRoles],
    );
    return rows.map((r) => r.userId);
  }

  async findMessage(
    scope: OrganizationScope,
    conversationId: string,
    id: string,
  ): Promise<MessageRow | null> {
    const rows: MessageRow[] = await scope.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM conversation_messages msg LEFT JOIN users usr ON usr.id = msg.sender_user_id
        WHERE msg.organization_id = $1 AND msg.conversation_id = $2 AND msg.id = $3`,
      [scope.organizationId, conversationId, id],
    );
    return rows[0] ?? null;
  }

  async findByClientId(
    scope: OrganizationScope,
    conversationId: string,
    senderUserId: string,
    clientMessageId: string,
  ): Promise<MessageRow | null> {
    const rows: MessageRow[] = await scope.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM conversation_messages msg LEFT JOIN users usr ON usr.id = msg.sender_user_id
        WHERE msg.organization_id = $1 AND msg.conversation_id = $2 AND msg.sender_user_id = $3
          AND msg.client_message_id = $4`,
      [scope.organizationId, conversationId, senderUserId, clientMessageId],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores message number `seq` (the caller holds the conversation's lock) and moves the
   * conversation's newest seq and activity time to it.
   */
  async insertMessage(
    scope: OrganizationScope,
    data: Pick<
      ConversationMessage,
      'conversationId' | 'seq' | 'senderUserId' | 'clientMessageId' | 'body' | 'attachmentDocumentIds'
    >,
  ): Promise<{ id: string; createdAt: Date }> {
    const rows: { id: string; createdAt: Date }[] = await scope.manager.query(
      `INSERT INTO conversation_messages
         (organization_id, conversation_id, seq, sender_user_id, client_message_id, body, attachment_document_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[])
       RETURNING id, created_at AS "createdAt"`,
      [
        scope.organizationId,
        data.conversationId,
        data.seq,
        data.senderUserId,
        data.clientMessageId,
        data.body,
        data.attachmentDocumentIds,
      ],
    );
    await scope.manager.query(
      `UPDATE conversations SET last_seq = $3, last_activity_at = $4, updated_at = now()
        WHERE organization_id = $1 AND id = $2`,
      [scope.organizationId, data.conversationId, data.seq, rows[0].createdAt],
    );
    return rows[0];
  }

  /** Newest first; `beforeSeq` keeps only older messages (a cursor). */
  async listMessages(
    scope: OrganizationScope,
    conversationId: string,
    page: { limit: number; offset: number; beforeSeq: number | null },
  ): Promise<{ rows: MessageRow[]; total: number }> {
    const params = [scope.organizationId, conversationId, page.beforeSeq];
    const where = `msg.organization_id = $1 AND msg.conversation_id = $2 AND ($3::int IS NULL OR msg.seq < $3)`;
    const rows: MessageRow[] = await scope.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM conversation_messages msg LEFT JOIN users usr ON usr.id = msg.sender_user_id
        WHERE ${where} ORDER BY msg.seq DESC LIMIT $4 OFFSET $5`,
      [...params, page.limit, page.offset],
    );
    const [{ total }]: { total: number }[] = await scope.manager.query(
      `SELECT count(*)::int AS total FROM conversation_messages msg WHERE ${where}`,
      params,
    );
    return { rows, total };
  }

  async displayName(scope: OrganizationScope, userId: string): Promise<string | null> {
    const rows: { displayName: string }[] = await scope.manager.query(
      `SELECT display_name AS "displayName" FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0]?.displayName ?? null;
  }
}

/**
 * The summary of conversation `c` for viewer $2: their read mark, unread messages of others, the newest
 * message, and the first participants — lateral subqueries, so a page costs one statement.
 */
function summarySelect(): string {
  return `SELECT ${CONVERSATION_COLUMNS},
      COALESCE(own.last_read_seq, 0) AS "lastReadSeq",
      unread.n AS "unreadCount",
      parts.list AS participants,
      parts.n AS "participantCount",
      lm.id AS "lastMessageId",
      lm.seq AS "lastMessageSeq",
      lm.sender_user_id AS "lastMessageSenderUserId",
      left(lm.body, 200) AS "lastMessagePreview",
      cardinality(lm.attachment_document_ids) AS "lastMessageAttachmentCount",
      lm.created_at AS "lastMessageCreatedAt"
    FROM conversations c
    LEFT JOIN conversation_participants own
      ON own.organization_id = c.organization_id AND own.conversation_id = c.id AND own.user_id = $2
    LEFT JOIN conversation_messages lm
      ON lm.organization_id = c.organization_id AND lm.conversation_id = c.id AND lm.seq = c.last_seq
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n FROM conversation_messages um
       WHERE um.organization_id = c.organization_id AND um.conversation_id = c.id
         AND um.seq > COALESCE(own.last_read_seq, 0) AND um.sender_user_id IS DISTINCT FROM $2
    ) unread
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n,
             COALESCE(json_agg(json_build_object('userId', p.user_id, 'displayName', p.display_name)
               ORDER BY p.rn) FILTER (WHERE p.rn <= ${PARTICIPANTS_SHOWN}), '[]'::json) AS list
        FROM (SELECT cp.user_id, usr.display_name,
                     row_number() OVER (ORDER BY cp.created_at, cp.user_id) AS rn
                FROM conversation_participants cp JOIN users usr ON usr.id = cp.user_id
               WHERE cp.organization_id = c.organization_id AND cp.conversation_id = c.id) p
    ) parts`;
}
