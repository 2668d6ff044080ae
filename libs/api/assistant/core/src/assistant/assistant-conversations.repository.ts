import { Injectable } from '@nestjs/common';
import { AssistantConversation, AssistantMessage, type AssistantCitation } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';

/** A user's conversations; RLS also limits every row to the current user (app.current_user). */
@Injectable()
export class AssistantConversationsRepository {
  create(
    m: EntityManager,
    values: Pick<AssistantConversation, 'organizationId' | 'userId' | 'buildingId' | 'title'>,
  ): Promise<AssistantConversation> {
    return m.save(AssistantConversation, m.create(AssistantConversation, values));
  }

  list(
    m: EntityManager,
    organizationId: string,
    userId: string,
    limit: number,
  ): Promise<AssistantConversation[]> {
    return m.find(AssistantConversation, {
      where: { organizationId, userId },
      order: { updatedAt: 'DESC' },
      take: limit,
    });
  }

  find(
    m: EntityManager,
    organizationId: string,
    userId: string,
    id: string,
  ): Promise<AssistantConversation | null> {
    return m.findOne(AssistantConversation, { where: { organizationId, userId, id } });
  }

  /** Locks the conversation row: messages are numbered one at a time. */
  findForUpdate(
    m: EntityManager,
    organizationId: string,
    userId: string,
    id: string,
  ): Promise<AssistantConversation | null> {
    return m.findOne(AssistantConversation, {
      where: { organizationId, userId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  messages(
    m: EntityManager,
    organizationId: string,
    conversationId: string,
    afterSeq = 0,
  ): Promise<AssistantMessage[]> {
    return m
      .createQueryBuilder(AssistantMessage, 'msg')
      .where(
        'msg.organization_id = :organizationId AND msg.conversation_id = :conversationId AND msg.seq > :afterSeq',
        {
          organizationId,
          conversationId,
          afterSeq,
        },
      )
      .orderBy('msg.seq', 'ASC')
      .getMany();
  }

  async append(
    m: EntityManager,
    conversation: AssistantConversation,
    values: {
      role: AssistantMessage['role'];
      content: string;
      citations?: AssistantCitation[];
      inputTokens?: number;
      outputTokens?: number;
      costMicros?: number;
    },
  ): Promise<AssistantMessage> {
    const seq = conversation.lastSeq + 1;
    const message = await m.save(
      AssistantMessage,
      m.create(AssistantMessage, {
        organizationId: conversation.organizationId,
        conversationId: conversation.id,
        userId: conversation.userId,
        seq,
        citations: [],
        ...values,
      }),
    );
    conversation.lastSeq = seq;
    await m.update(
      AssistantConversation,
      { organizationId: conversation.organizationId, id: conversation.id },
      { lastSeq: seq, updatedAt: new Date() },
    );
    return message;
  }

  /** Moves the summary forward only (two questions at once may both have summarised). */
  async saveSummary(
    m: EntityManager,
    conversation: AssistantConversation,
    summary: string,
    throughSeq: number,
  ): Promise<void> {
    await m.query(
      `UPDATE assistant_conversations SET summary = $1, summary_through_seq = $2
        WHERE organization_id = $3 AND id = $4 AND summary_through_seq < $2`,
      [summary, throughSeq, conversation.organizationId, conversation.id],
    );
  }
}
