import { Injectable } from '@nestjs/common';
import { can, Permission, rolesWith } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { DocumentAccess } from '@ppt/api-documents-core';
import { NotificationsService } from '../notifications/notifications.service';
import { ResidentScope } from '@ppt/api-property-core';
import type {
  ConversationResponse,
  CreateConversationDto,
  ListMessagesQueryDto,
  MarkReadDto,
  MessageResponse,
  ReadStateResponse,
  SendMessageDto,
} from './dto/conversation.dto';
import { ConversationError, ConversationErrorCode } from './conversations.errors';
import {
  ConversationsRepository,
  type ConversationRow,
  type ConversationSummaryRow,
  type MessageRow,
  type Viewer,
} from './conversations.repository';

/**
 * Conversations between residents and staff: direct (two members, at least one of them staff) and
 * building-wide (staff plus the building's current residents, decided when read). Sending is
 * idempotent per client message id; each message writes `message.sent` and in-app notifications in
 * the transaction that stores it.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly conversations: ConversationsRepository,
    private readonly residents: ResidentScope,
    private readonly documents: DocumentAccess,
    private readonly notifications: NotificationsService,
  ) {}

  list(t: Tenant, page: { limit: number; offset: number }): Promise<Page<ConversationResponse>> {
    return this.tenant.run(t, async (tx) => {
      const { rows, total } = await this.conversations.list(
        tx,
        await this.viewer(tx, t),
        page.limit,
        page.offset,
      );
      return { items: rows.map(toConversation), total, limit: page.limit, offset: page.offset };
    });
  }

  get(t: Tenant, id: string): Promise<ConversationResponse> {
    return this.tenant.run(t, async (tx) => {
      const row = await this.conversations.summary(tx, await this.viewer(tx, t), id);
      if (!row) throw notFound();
      return toConversation(row);
    });
  }

  /** `created` is false when the direct conversation of the pair already existed (it is returned). */
  create(
    t: Tenant,
    dto: CreateConversationDto,
  ): Promise<{ conversation: ConversationResponse; created: boolean }> {
    return this.tenant.run(t, async (tx) => {
      const subject = dto.subject ?? null;
      let id: string;
      let created = true;
      if (dto.kind === 'direct') {
        if (!dto.userId || dto.buildingId)
          throw invalid('A direct conversation names userId and no buildingId');
        if (dto.userId === t.userId) throw invalid('A direct conversation needs another member');
        await this.requireRecipient(tx, t, dto.userId);
        const pair: [string, string] = [t.userId, dto.userId];
        const inserted = await this.conversations.insertDirect(tx, pair, t.userId, subject);
        if (inserted) await this.conversations.addParticipants(tx, inserted, pair);
        else created = false;
        id = inserted ?? ((await this.conversations.findDirect(tx, pair)) as string);
      } else {
        if (!dto.buildingId || dto.userId) {
          throw invalid('A building-wide conversation names buildingId and no userId');
        }
        if (!can(t, Permission.ConversationOpenBuilding)) {
          throw new ConversationError(
            ConversationErrorCode.NotAllowed,
            'Only managers open building-wide conversations',
          );
        }
        if (!(await this.conversations.buildingExists(tx, dto.buildingId))) {
          throw new ConversationError(ConversationErrorCode.BuildingNotFound, 'Building not found');
        }
        id = await this.conversations.insertBuilding(tx, dto.buildingId, t.userId, subject);
        await this.conversations.addParticipants(tx, id, [t.userId]);
      }
      const row = await this.conversations.summary(tx, await this.viewer(tx, t), id);
      return { conversation: toConversation(row as ConversationSummaryRow), created };
    });
  }

  messages(t: Tenant, id: string, query: ListMessagesQueryDto): Promise<Page<MessageResponse>> {
    return this.tenant.run(t, async (tx) => {
      await this.visible(tx, t, id);
      const before = query.before ? await this.message(tx, id, query.before) : null;
      const { rows, total } = await this.conversations.listMessages(tx, id, {
        limit: query.limit,
        offset: query.offset,
        beforeSeq: before?.seq ?? null,
      });
      return { items: rows.map(toMessage), total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * Stores a message once per (conversation, sender, clientMessageId): a retry gets the stored message
   * (`created` false); the same id with other content is a 409. The conversation's row lock orders
   * concurrent sends, so a retry racing its original waits and then finds it.
   */
  send(t: Tenant, id: string, dto: SendMessageDto): Promise<{ message: MessageResponse; created: boolean }> {
    return this.tenant.run(t, async (tx) => {
      const conversation = await this.visible(tx, t, id, true);
      const attachments = dto.attachmentDocumentIds ?? [];
      const earlier = await this.conversations.findByClientId(tx, id, t.userId, dto.clientMessageId);
      if (earlier) {
        if (earlier.body !== dto.body || !sameIds(earlier.attachmentDocumentIds, attachments)) {
          throw new ConversationError(
            ConversationErrorCode.ClientMessageIdReused,
            'This clientMessageId was already used for a different message',
          );
        }
        return { message: toMessage(earlier), created: false };
      }
      await this.checkAttachments(tx, t, attachments);

      const seq = conversation.lastSeq + 1;
      const stored = await this.conversations.insertMessage(tx, {
        conversationId: id,
        seq,
        senderUserId: t.userId,
        clientMessageId: dto.clientMessageId,
        body: dto.body,
        attachmentDocumentIds: attachments,
      });
      // Your own message is read by you; posting also makes you a participant of a building-wide one.
      await this.conversations.markRead(tx, id, t.userId, seq);
      await tx.emit({
        type: 'message.sent',
        aggregateId: id,
        aggregateVersion: seq,
        payload: {
          messageId: stored.id,
          conversationId: id,
          conversationKind: conversation.kind,
          buildingId: conversation.buildingId,
          senderUserId: t.userId,
          seq,
          attachmentCount: attachments.length,
          sentAt: new Date(stored.createdAt).toISOString(),
        },
      });
      const senderName = (await this.conversations.displayName(tx, t.userId)) ?? 'Someone';
      await this.notifications.notify(
        tx.manager,
        tx.organizationId,
        (await this.recipients(tx, conversation)).filter((u) => u !== t.userId),
        {
          type: 'message',
          title: (conversation.subject
            ? `${senderName}: ${conversation.subject}`
            : `Message from ${senderName}`
          ).slice(0, 200),
          body: dto.body.slice(0, 300),
          link: `/conversations/${id}`,
        },
      );
      return {
        message: toMessage({
          id: stored.id,
          conversationId: id,
          seq,
          senderUserId: t.userId,
          senderDisplayName: senderName,
          clientMessageId: dto.clientMessageId,
          body: dto.body,
          attachmentDocumentIds: attachments,
          createdAt: stored.createdAt,
        }),
        created: true,
      };
    });
  }

  /** Moves the caller's read mark to the given message, or to the newest one. */
  markRead(t: Tenant, id: string, dto: MarkReadDto): Promise<ReadStateResponse> {
    return this.tenant.run(t, async (tx) => {
      const conversation = await this.visible(tx, t, id);
      const upTo = dto.messageId ? (await this.message(tx, id, dto.messageId)).seq : conversation.lastSeq;
      const lastReadSeq = await this.conversations.markRead(tx, id, t.userId, upTo);
      const unreadCount = await this.conversations.unreadCount(tx, id, t.userId, lastReadSeq);
      return { lastReadSeq, unreadCount };
    });
  }

  private async viewer(tx: TenantTransaction, t: Tenant): Promise<Viewer> {
    return { userId: t.userId, unitIds: await this.residents.unitIds(tx.manager, t) };
  }

  private async visible(
    tx: TenantTransaction,
    t: Tenant,
    id: string,
    lock = false,
  ): Promise<ConversationRow> {
    const found = await this.conversations.findVisible(tx, await this.viewer(tx, t), id, lock);
    if (!found) throw notFound();
    return found;
  }

  private async message(tx: TenantTransaction, conversationId: string, id: string): Promise<MessageRow> {
    const found = await this.conversations.findMessage(tx, conversationId, id);
    if (!found) throw new ConversationError(ConversationErrorCode.MessageNotFound, 'Message not found');
    return found;
  }

  /**
   * A member of this organisation; residents (and realtors) may write to staff only, so anyone else is
   * "not found" to them, like a non-member.
   */
  private async requireRecipient(tx: TenantTransaction, t: Tenant, userId: string): Promise<void> {
    const role = await this.conversations.memberRole(tx, userId);
    if (
      !role ||
      (!can(t, Permission.ConversationWithAnyone) && !can({ role }, Permission.ConversationWithAnyone))
    ) {
      throw new ConversationError(
        ConversationErrorCode.RecipientNotFound,
        'No member you can write to has this id',
      );
    }
  }

  /** Every attachment is an active document of this organisation that the sender may see. */
  private async checkAttachments(tx: TenantTransaction, t: Tenant, ids: string[]): Promise<void> {
    const unavailable = await this.documents.firstUnattachable(tx.manager, t, ids);
    if (unavailable)
      throw new ConversationError(
        ConversationErrorCode.InvalidAttachment,
        `Document ${unavailable} was not found or is not available`,
      );
  }

  private recipients(tx: TenantTransaction, c: ConversationRow): Promise<string[]> {
    return c.kind === 'direct' || !c.buildingId
      ? this.conversations.participantUserIds(tx, c.id)
      : this.conversations.buildingAudience(tx, c.buildingId, rolesWith(Permission.ConversationWithAnyone));
  }
}

function notFound(): ConversationError {
  return new ConversationError(ConversationErrorCode.NotFound, 'Conversation not found');
}

function invalid(message: string): ConversationError {
  return new ConversationError(ConversationErrorCode.InvalidConversation, message);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

function toConversation(r: ConversationSummaryRow): ConversationResponse {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    buildingId: r.buildingId,
    createdByUserId: r.createdByUserId,
    participants: r.participants,
    participantCount: r.participantCount,
    lastMessage: r.lastMessageId
      ? {
          id: r.lastMessageId,
          seq: r.lastMessageSeq as number,
          senderUserId: r.lastMessageSenderUserId,
          preview: r.lastMessagePreview ?? '',
          attachmentCount: r.lastMessageAttachmentCount ?? 0,
          createdAt: r.lastMessageCreatedAt as Date,
        }
      : null,
    unreadCount: r.unreadCount,
    lastActivityAt: r.lastActivityAt,
    createdAt: r.createdAt,
  };
}

function toMessage(r: MessageRow): MessageResponse {
  return {
    id: r.id,
    conversationId: r.conversationId,
    seq: r.seq,
    senderUserId: r.senderUserId,
    senderDisplayName: r.senderDisplayName,
    clientMessageId: r.clientMessageId,
    body: r.body,
    attachmentDocumentIds: r.attachmentDocumentIds,
    createdAt: r.createdAt,
  };
}
