import { Inject, Injectable, Optional } from '@nestjs/common';
import { type AssistantCitation, type AssistantConversation, type AssistantMessage } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import {
  ASSISTANT_RETRIEVER,
  estimateMessageTokens,
  LlmCallAborted,
  LlmError,
  LlmErrorCode,
  type ChatStream,
  estimateTokens,
  type AssistantRetriever,
  type ChatTurn,
  type ChatUsage,
  type RetrievedChunk,
} from '@ppt/llm';
import { AssistantEnv } from './assistant.env';
import { scopeOf, type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import { AssistantError, AssistantErrorCode } from './assistant.errors';
import { AssistantBudget, type BudgetReservation } from './assistant-budget';
import { AssistantConversationsRepository } from './assistant-conversations.repository';
import { AssistantFacts } from './assistant-facts';
import { AssistantLlm } from './assistant-llm';
import { AssistantSettingsService, type ResolvedAssistant } from './assistant-settings.service';
import { chatSystemPrompt, sourcesTurn, summaryTurns } from './prompts';
import { randomBytes } from 'node:crypto';

/** How many retrieved chunks go into one prompt. */
const SOURCES_PER_QUESTION = 5;
/** A retrieved chunk's size as reserved against the budget (chunks are about 350 tokens). */
const SOURCE_TOKENS = 400;

export interface AnswerInProgress {
  /** The user's message, already saved (it stays in the history whatever happens to the answer). */
  question: AssistantMessage;
  citations: AssistantCitation[];
  pieces: AsyncGenerator<string>;
  /** Saves the complete answer with its usage (call after the pieces are all read). */
  finish(text: string): Promise<{ message: AssistantMessage; usage: ChatUsage & { costMicros: number } }>;
}

/**
 * Chat with memory: each question goes out with a system prompt (organisation, building, role,
 * today's date, the sources retrieved for it), the running summary and the recent messages that fit
 * the history budget; older messages are folded into the summary first.
 */
@Injectable()
export class AssistantChatService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly unitOfWork: TenantUnitOfWork,
    private readonly conversations: AssistantConversationsRepository,
    private readonly facts: AssistantFacts,
    private readonly settings: AssistantSettingsService,
    private readonly budget: AssistantBudget,
    private readonly llm: AssistantLlm,
    @Inject(AssistantEnv) private readonly env: AssistantEnv,
    @Optional() @Inject(ASSISTANT_RETRIEVER) private readonly retriever?: AssistantRetriever,
  ) {}

  create(t: Tenant, input: { title?: string; buildingId?: string }): Promise<AssistantConversation> {
    return this.unitOfWork.run(t, async (tx) => {
      if (input.buildingId) {
        const names = await this.facts.contextNames(tx, input.buildingId);
        if (names.building === null)
          throw new AssistantError(AssistantErrorCode.SubjectNotFound, 'There is no such building');
      }
      return this.conversations.create(tx.manager, {
        organizationId: t.organizationId,
        userId: t.userId,
        buildingId: input.buildingId ?? null,
        title: input.title ?? 'New conversation',
      });
    });
  }

  list(t: Tenant): Promise<AssistantConversation[]> {
    return this.tenant.run(scopeOf(t), (m) => this.conversations.list(m, t.organizationId, t.userId, 100));
  }

  messages(t: Tenant, conversationId: string): Promise<AssistantMessage[]> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.mustFind(m, t, conversationId);
      return this.conversations.messages(m, t.organizationId, conversationId);
    });
  }

  /**
   * Checks, saves the question and opens the provider's stream. Everything that can be refused is
   * refused here, before the first byte of the answer (so it is still a JSON error with a status).
   */
  async ask(
    t: Tenant,
    conversationId: string,
    content: string,
    signal: AbortSignal,
  ): Promise<AnswerInProgress> {
    if (estimateTokens(content) > this.env.ASSISTANT_MAX_MESSAGE_TOKENS)
      throw new AssistantError(
        AssistantErrorCode.MessageTooLarge,
        `The message is too long (at most about ${this.env.ASSISTANT_MAX_MESSAGE_TOKENS * 4} characters)`,
      );
    const resolved = await this.settings.resolve(t);
    await this.tenant.run(scopeOf(t), (m) => this.mustFind(m, t, conversationId));
    // Reserved against the budget until settled: the answer, the history, the sources, the question.
    const reservation = await this.budget.admit(
      t.organizationId,
      t.userId,
      resolved,
      resolved.connection.maxTokens +
        this.env.ASSISTANT_HISTORY_TOKENS +
        SOURCES_PER_QUESTION * SOURCE_TOKENS +
        estimateTokens(content),
    );
    const at = { organizationId: t.organizationId, userId: t.userId, feature: 'chat' };
    const recordApart = (usage: ChatUsage) =>
      this.tenant.run(scopeOf(t), (m) => reservation.record(m, at, usage));
    let turns: ChatTurn[] = [];
    let stream: ChatStream;
    let citations: AssistantCitation[];
    let question: AssistantMessage;
    try {
      const sources = this.retriever
        ? await this.retriever.retrieve(
            { organizationId: t.organizationId, userId: t.userId, role: t.role },
            content,
            SOURCES_PER_QUESTION,
          )
        : [];
      const saved = await this.unitOfWork.run(t, async (tx) => {
        const m = tx.manager;
        const conversation = (await this.conversations.findForUpdate(
          m,
          t.organizationId,
          t.userId,
          conversationId,
        ))!;
        const question = await this.conversations.append(m, conversation, { role: 'user', content });
        const names = await this.facts.contextNames(tx, conversation.buildingId);
        const history = await this.conversations.messages(
          m,
          t.organizationId,
          conversation.id,
          conversation.summaryThroughSeq,
        );
        return { question, conversation, names, history };
      });
      question = saved.question;
      // The provider is called outside any transaction: no row stays locked while a model writes.
      turns = await this.contextFor(
        t,
        saved.conversation,
        saved.names,
        saved.history,
        sources,
        resolved,
        signal,
        reservation,
      );
      stream = await this.llm.client.stream(resolved.connection, turns, signal);
      citations = sources.map(citationOf);
    } catch (err) {
      try {
        // The provider worked on the prompt before the caller left or its deadline passed: charged.
        if (
          turns.length &&
          (err instanceof LlmCallAborted ||
            (err instanceof LlmError && err.code === LlmErrorCode.ProviderTimeout))
        )
          await recordApart({ inputTokens: estimateMessageTokens(turns), outputTokens: 0 });
      } finally {
        await reservation.release();
      }
      throw err;
    }
    let completed = false;
    let written = '';
    // Whatever ends the stream early (the client closing it, the provider failing mid-answer), the
    // tokens used so far are recorded: the provider's count if it sent one, else an estimate.
    async function* pieces(): AsyncGenerator<string> {
      try {
        for await (const piece of stream.pieces) {
          written += piece;
          yield piece;
        }
        completed = true;
      } finally {
        if (!completed) {
          const counted = stream.usage();
          await recordApart({
            inputTokens: Math.max(counted.inputTokens, estimateMessageTokens(turns)),
            outputTokens: Math.max(counted.outputTokens, estimateTokens(written)),
          })
            .catch(() => undefined)
            .finally(() => reservation.release());
        }
      }
    }
    return {
      question,
      citations,
      pieces: pieces(),
      finish: (text) =>
        this.tenant
          .run(scopeOf(t), async (m) => {
            const conversation = (await this.conversations.findForUpdate(
              m,
              t.organizationId,
              t.userId,
              conversationId,
            ))!;
            const usage = stream.usage();
            const costMicros = await reservation.record(m, at, usage);
            const message = await this.conversations.append(m, conversation, {
              role: 'assistant',
              content: text,
              // Only what was retrieved and shown to the model; the model cannot add a source.
              citations,
              inputTokens: usage.inputTokens,
              outputTokens: usage.outputTokens,
              costMicros,
            });
            return { message, usage: { ...usage, costMicros } };
          })
          .finally(() => reservation.release()),
    };
  }

  private async mustFind(m: Parameters<AssistantConversationsRepository['find']>[0], t: Tenant, id: string) {
    const conversation = await this.conversations.find(m, t.organizationId, t.userId, id);
    if (!conversation)
      throw new AssistantError(AssistantErrorCode.ConversationNotFound, 'There is no such conversation');
    return conversation;
  }

  /**
   * System prompt + running summary + the newest messages that fit ASSISTANT_HISTORY_TOKENS. When
   * older messages no longer fit, they are summarised (one provider call) and the summary saved.
   */
  private async contextFor(
    t: Tenant,
    conversation: AssistantConversation,
    names: { organization: string; building: string | null },
    history: AssistantMessage[],
    sources: RetrievedChunk[],
    resolved: ResolvedAssistant,
    signal: AbortSignal,
    reservation: BudgetReservation,
  ): Promise<ChatTurn[]> {
    // A fresh nonce per request: a document cannot close its block and open an instruction.
    const nonce = randomBytes(12).toString('hex');
    const system = chatSystemPrompt(
      {
        organization: names.organization,
        building: names.building,
        role: t.role,
        today: new Date().toISOString().slice(0, 10),
        sources,
        retrievalAvailable: !!this.retriever,
      },
      nonce,
    );
    const sourceTurn = sourcesTurn(sources, nonce);
    let kept = history;
    const budget = this.env.ASSISTANT_HISTORY_TOKENS;
    while (kept.length > 1 && estimateMessageTokens(kept) > budget) kept = kept.slice(1);
    let summary = conversation.summary;
    const dropped = history.slice(0, history.length - kept.length);
    if (dropped.length) {
      const { text, usage } = await this.llm.client.complete(
        resolved.connection,
        summaryTurns(summary, dropped),
        {
          maxTokens: 300,
          signal,
        },
      );
      summary = text;
      await this.tenant.run(scopeOf(t), async (m) => {
        await reservation.record(
          m,
          { organizationId: t.organizationId, userId: t.userId, feature: 'chat-summary' },
          usage,
        );
        await this.conversations.saveSummary(m, conversation, text, dropped[dropped.length - 1].seq);
      });
    }
    return [
      {
        role: 'system',
        content: summary ? `${system}\nEarlier in this conversation (summary): ${summary}` : system,
      },
      ...kept.slice(0, -1).map((msg) => ({ role: msg.role, content: msg.content })),
      // The sources go just before the question (the last message), as data in a user turn.
      ...(sourceTurn ? [sourceTurn] : []),
      ...kept.slice(-1).map((msg) => ({ role: msg.role, content: msg.content })),
    ];
  }
}

function citationOf(chunk: RetrievedChunk): AssistantCitation {
  return {
    documentId: chunk.documentId,
    documentTitle: chunk.documentTitle,
    versionId: chunk.versionId,
    page: chunk.page,
    chunkIndex: chunk.chunkIndex,
  };
}
