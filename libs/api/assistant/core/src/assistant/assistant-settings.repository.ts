import { Injectable } from '@nestjs/common';
import { AssistantSettings } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';

@Injectable()
export class AssistantSettingsRepository {
  find(m: EntityManager, organizationId: string): Promise<AssistantSettings | null> {
    return m.findOne(AssistantSettings, { where: { organizationId } });
  }

  async save(
    m: EntityManager,
    values: Omit<AssistantSettings, 'id' | 'createdAt' | 'updatedAt'>,
  ): Promise<AssistantSettings> {
    const existing = await this.find(m, values.organizationId);
    return m.save(
      AssistantSettings,
      existing ? Object.assign(existing, values) : m.create(AssistantSettings, values),
    );
  }
}
