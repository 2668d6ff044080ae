import { Injectable } from '@nestjs/common';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { type AssistantDraft, type AssistantDraftKind } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { ChatTurn } from '@ppt/llm';
import { AppError } from '@ppt/observability';
import { PORTAL_DESCRIPTION_LIMITS } from '@ppt/syndication';
import { scopeOf, type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import { DocumentsService } from '@ppt/api-documents-core';
import { AssistantError, AssistantErrorCode } from './assistant.errors';
import { AssistantBudget } from './assistant-budget';
import { AssistantDraftsRepository } from './assistant-drafts.repository';
import { AssistantFacts } from './assistant-facts';
import { AssistantLlm } from './assistant-llm';
import { AssistantSettingsService } from './assistant-settings.service';
import {
  announcementTurns,
  documentSummaryMapTurns,
  documentSummaryReduceTurns,
  fitToLength,
  leaseTurns,
  listingDescriptionTurns,
  TEMPLATE_IDS,
  type DraftLanguage,
  type DraftTone,
} from './prompts';

/** Parts of a long document summarised one by one (map), then together (reduce). */
const SUMMARY_PART_CHARS = 8000;
const SUMMARY_PART_OVERLAP = 200;
/** A draft prompt's size as reserved against the budget (a summary part is about 2000 tokens). */
const DRAFT_PROMPT_TOKENS = 2500;

export type DraftPortal = keyof typeof PORTAL_DESCRIPTION_LIMITS;

/**
 * Drafts the assistant writes for a person to edit: saved, never published or sent by themselves.
 * Each keeps the id of the prompt template it was written with.
 */
@Injectable()
export class AssistantDraftsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly unitOfWork: TenantUnitOfWork,
    private readonly drafts: AssistantDraftsRepository,
    private readonly facts: AssistantFacts,
    private readonly settings: AssistantSettingsService,
    private readonly budget: AssistantBudget,
    private readonly llm: AssistantLlm,
    private readonly documents: DocumentsService,
  ) {}

  async listingDescription(
    t: Tenant,
    input: { listingId: string; language: DraftLanguage; tone: DraftTone; portal: DraftPortal },
  ): Promise<AssistantDraft> {
    const facts = await this.unitOfWork.run(t, (tx) => this.facts.listing(tx, input.listingId, t));
    if (!facts) throw new AssistantError(AssistantErrorCode.SubjectNotFound, 'There is no such listing');
    const maxChars = PORTAL_DESCRIPTION_LIMITS[input.portal].max;
    const text = await this.admitted(t, 1, (call) =>
      call('listing-description', listingDescriptionTurns(facts, input.language, input.tone, maxChars)),
    );
    return this.save(
      t,
      'listing-description',
      input.listingId,
      input.language,
      TEMPLATE_IDS.listingDescription,
      input,
      [fitToLength(text, maxChars)],
    );
  }

  async announcement(
    t: Tenant,
    input: { topic: string; details?: string; language: DraftLanguage; tone: DraftTone; variants: number },
  ): Promise<AssistantDraft> {
    const variants = await this.admitted(t, input.variants, async (call) => {
      const written: string[] = [];
      for (let i = 1; i <= input.variants; i++)
        written.push(
          (
            await call(
              'announcement',
              announcementTurns(input.topic, input.details, input.language, input.tone, i, input.variants),
            )
          ).trim(),
        );
      return written;
    });
    return this.save(t, 'announcement', null, input.language, TEMPLATE_IDS.announcement, input, variants);
  }

  /** Map-reduce over the document's extracted text; the summary is kept as a draft of the document. */
  async documentSummary(
    t: Tenant,
    input: { documentId: string; language: DraftLanguage },
  ): Promise<AssistantDraft> {
    // Not found and not visible to the caller look the same (DocumentAccess answers 404 for both).
    const doc = await this.documents.get(t, input.documentId).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 404) return null;
      throw err;
    });
    const { text } = doc ? await this.documents.text(t, input.documentId) : { text: null };
    if (!doc) throw new AssistantError(AssistantErrorCode.SubjectNotFound, 'There is no such document');
    if (!text)
      throw new AssistantError(
        AssistantErrorCode.SubjectNotFound,
        'The document has no extracted text to summarise (yet)',
      );
    const parts = await new RecursiveCharacterTextSplitter({
      chunkSize: SUMMARY_PART_CHARS,
      chunkOverlap: SUMMARY_PART_OVERLAP,
    }).splitText(text);
    const { partials, summary } = await this.admitted(t, parts.length + 1, async (call) => {
      const partials: string[] = [];
      for (let i = 0; i < parts.length; i++)
        partials.push(
          await call(
            'document-summary',
            documentSummaryMapTurns(doc.title, parts[i], i + 1, parts.length, input.language),
          ),
        );
      const summary =
        partials.length === 1
          ? partials[0]
          : await call('document-summary', documentSummaryReduceTurns(doc.title, partials, input.language));
      return { partials, summary };
    });
    return this.save(
      t,
      'document-summary',
      input.documentId,
      input.language,
      partials.length === 1
        ? TEMPLATE_IDS.documentSummaryMap
        : `${TEMPLATE_IDS.documentSummaryMap}+${TEMPLATE_IDS.documentSummaryReduce}`,
      { ...input, parts: parts.length },
      [summary.trim()],
    );
  }

  async lease(t: Tenant, input: { leaseId: string; language: DraftLanguage }): Promise<AssistantDraft> {
    const facts = await this.unitOfWork.run(t, (tx) => this.facts.lease(tx, input.leaseId));
    if (!facts) throw new AssistantError(AssistantErrorCode.SubjectNotFound, 'There is no such lease');
    const text = await this.admitted(t, 1, (call) => call('lease', leaseTurns(facts, input.language)));
    return this.save(t, 'lease', input.leaseId, input.language, TEMPLATE_IDS.lease, input, [text.trim()]);
  }

  list(t: Tenant, subjectId?: string): Promise<AssistantDraft[]> {
    return this.tenant.run(scopeOf(t), (m) =>
      this.drafts.list(m, t.organizationId, t.userId, subjectId, 100),
    );
  }

  get(t: Tenant, id: string): Promise<AssistantDraft> {
    return this.tenant.run(scopeOf(t), (m) => this.mustFind(m, t, id));
  }

  /** A person's edit of the text(s); nothing else about a draft changes. */
  edit(t: Tenant, id: string, variants: string[]): Promise<AssistantDraft> {
    return this.tenant.run(scopeOf(t), async (m) =>
      this.drafts.updateVariants(m, await this.mustFind(m, t, id), variants),
    );
  }

  private async mustFind(m: Parameters<AssistantDraftsRepository['find']>[0], t: Tenant, id: string) {
    const draft = await this.drafts.find(m, t.organizationId, t.userId, id);
    if (!draft) throw new AssistantError(AssistantErrorCode.DraftNotFound, 'There is no such draft');
    return draft;
  }

  /**
   * Admits the draft (rate limits, budget with a reservation of `calls` answers of the configured
   * size) and runs its provider calls; each call's usage is recorded whatever becomes of the draft,
   * and the reservation is given back at the end, even when a call fails.
   */
  private async admitted<T>(
    t: Tenant,
    calls: number,
    work: (call: (kind: AssistantDraftKind, turns: ChatTurn[]) => Promise<string>) => Promise<T>,
  ): Promise<T> {
    const resolved = await this.settings.resolve(t);
    const reservation = await this.budget.admit(
      t.organizationId,
      t.userId,
      resolved,
      calls * (resolved.connection.maxTokens + DRAFT_PROMPT_TOKENS),
    );
    try {
      return await work(async (kind, turns) => {
        const { text, usage } = await this.llm.client.complete(resolved.connection, turns);
        await this.tenant.run(scopeOf(t), (m) =>
          reservation.record(
            m,
            { organizationId: t.organizationId, userId: t.userId, feature: `draft:${kind}` },
            usage,
          ),
        );
        return text;
      });
    } finally {
      await reservation.release();
    }
  }

  private save(
    t: Tenant,
    kind: AssistantDraftKind,
    subjectId: string | null,
    language: string,
    templateId: string,
    parameters: object,
    variants: string[],
  ): Promise<AssistantDraft> {
    return this.tenant.run(scopeOf(t), (m) =>
      this.drafts.create(m, {
        organizationId: t.organizationId,
        kind,
        subjectId,
        language,
        templateId,
        parameters: { ...parameters },
        variants,
        createdByUserId: t.userId,
      }),
    );
  }
}
