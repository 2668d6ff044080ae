import { Injectable } from '@nestjs/common';
import { PortalInquiry } from '@ppt/portal-db';
import { DataSource, IsNull } from 'typeorm';

/** Prefix of last_error for an inquiry api-server refused for good (the sweep leaves it alone). */
export const REJECTED = 'rejected: ';

@Injectable()
export class InquiriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  create(data: Partial<PortalInquiry>): Promise<PortalInquiry> {
    const repo = this.dataSource.getRepository(PortalInquiry);
    return repo.save(repo.create(data));
  }

  findUndelivered(id: string): Promise<PortalInquiry | null> {
    return this.dataSource.getRepository(PortalInquiry).findOneBy({ id, deliveredAt: IsNull() });
  }

  /** Inquiries still waiting after `olderThan` (their job was lost or gave up), except rejected ones. */
  waiting(olderThan: Date, limit: number): Promise<PortalInquiry[]> {
    return this.dataSource
      .createQueryBuilder(PortalInquiry, 'i')
      .where('i.delivered_at IS NULL AND i.created_at < :olderThan', { olderThan })
      .andWhere('(i.last_error IS NULL OR i.last_error NOT LIKE :rejected)', { rejected: `${REJECTED}%` })
      .orderBy('i.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  async markDelivered(id: string, note: string | null = null): Promise<void> {
    await this.dataSource
      .getRepository(PortalInquiry)
      .update({ id }, { deliveredAt: () => 'now()', attempts: () => 'attempts + 1', lastError: note });
  }

  async markFailedAttempt(id: string, error: string): Promise<void> {
    await this.dataSource
      .getRepository(PortalInquiry)
      .update({ id }, { attempts: () => 'attempts + 1', lastError: error.slice(0, 1000) });
  }
}
