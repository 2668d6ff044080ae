import { Injectable } from '@nestjs/common';
import { AssistantDraft } from '@ppt/db';
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

  find(m: EntityManager, organizationId: string, id: string): Promise<AssistantDraft | null> {
    return m.findOne(AssistantDraft, { where: { organizationId, id } });
  }

  list(
    m: EntityManager,
    organizationId: string,
    subjectId: string | undefined,
    limit: number,
  ): Promise<AssistantDraft[]> {
    return m.find(AssistantDraft, {
      where: subjectId ? { organizationId, subjectId } : { organizationId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  async updateVariants(m: EntityManager, draft: AssistantDraft, variants: string[]): Promise<AssistantDraft> {
    draft.variants = variants;
    return m.save(AssistantDraft, draft);
  }
}
