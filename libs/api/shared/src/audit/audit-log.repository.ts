import { Injectable } from '@nestjs/common';
import { AuditLogEntry } from '@ppt/api-db';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { ListAuditLogsQueryDto, ListPlatformAuditLogsQueryDto } from './dto/audit-log.dto';

/** Reads one organisation's audit trail, newest first. */
@Injectable()
export class AuditLogRepository {
  list(
    m: EntityManager,
    organizationId: string,
    f: ListAuditLogsQueryDto,
  ): Promise<[AuditLogEntry[], number]> {
    const qb = m
      .createQueryBuilder(AuditLogEntry, 'a')
      .where('a.organization_id = :organizationId', { organizationId });
    if (f.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: f.entityType });
    if (f.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: f.entityId });
    return newestFirst(qb, f);
  }

  /** Entries with no organisation (RLS admits them only in the 'platform-audit' scope), newest first. */
  listWithoutOrganization(
    m: EntityManager,
    f: ListPlatformAuditLogsQueryDto,
  ): Promise<[AuditLogEntry[], number]> {
    const qb = m.createQueryBuilder(AuditLogEntry, 'a').where('a.organization_id IS NULL');
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    return newestFirst(qb, f);
  }
}

/** The filters both listings share (actor, time window), then one page, newest first. */
function newestFirst(
  qb: SelectQueryBuilder<AuditLogEntry>,
  f: ListAuditLogsQueryDto | ListPlatformAuditLogsQueryDto,
): Promise<[AuditLogEntry[], number]> {
  if (f.actorId) qb.andWhere('a.actor_user_id = :actorId', { actorId: f.actorId });
  if (f.from) qb.andWhere('a.created_at >= :from', { from: f.from });
  if (f.to) qb.andWhere('a.created_at < :to', { to: f.to });
  return qb
    .orderBy('a.created_at', 'DESC')
    .addOrderBy('a.id', 'DESC')
    .limit(f.limit)
    .offset(f.offset)
    .getManyAndCount();
}
