import { Injectable } from '@nestjs/common';
import { AssistantDraft } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';

/** Drafts (the facts they are written from come from the owning contexts' services: AssistantFacts). */
@Injectable()
export class AssistantDraftsRepository {
  create(
    m: EntityManager,
    values: Omit<AssistantDraft, 'id' | 'createdAt' | 'updatedAt'>,
  ): Promise<AssistantDraft> {
    return m.save(AssistantDraft, m.create(AssistantDraft, values));
  }

  /** Only the caller's own drafts (a draft is written from data its author may see, nobody else). */
  find(m: EntityManager, organizationId: string, userId: string, id: string): Promise<AssistantDraft | null> {
    return m.findOne(AssistantDraft, { where: { organizationId, createdByUserId: userId, id } });
  }

  list(
    m: EntityManager,
    organizationId: string,
    userId: string,
    subjectId: string | undefined,
    limit: number,
  ): Promise<AssistantDraft[]> {
    return m.find(AssistantDraft, {
      where: subjectId
        ? { organizationId, createdByUserId: userId, subjectId }
        : { organizationId, createdByUserId: userId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  async updateVariants(m: EntityManager, draft: AssistantDraft, variants: string[]): Promise<AssistantDraft> {
    draft.variants = variants;
    return m.save(AssistantDraft, draft);
  }
}
