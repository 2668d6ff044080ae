import { Injectable } from '@nestjs/common';
import { ListingSyndication, PortalTarget, type SyndicationPortal } from '@ppt/api-db';
import { In, IsNull, Not, type EntityManager } from 'typeorm';

@Injectable()
export class PortalTargetsRepository {
  list(m: EntityManager, organizationId: string): Promise<PortalTarget[]> {
    return m.getRepository(PortalTarget).find({ where: { organizationId }, order: { portal: 'ASC' } });
  }

  find(m: EntityManager, organizationId: string, portal: SyndicationPortal): Promise<PortalTarget | null> {
    return m.getRepository(PortalTarget).findOneBy({ organizationId, portal });
  }

  async save(
    m: EntityManager,
    target: Partial<PortalTarget> & { organizationId: string; portal: SyndicationPortal },
  ) {
    await m
      .createQueryBuilder()
      .insert()
      .into(PortalTarget)
      .values(target as never) // jsonb options: TypeORM's insert typing cannot express an arbitrary object
      .orUpdate(
        [
          'enabled',
          'credentials_sealed',
          'inbound_secrets_sealed',
          'options',
          'credentials_rejected_at',
          'updated_at',
        ],
        ['organization_id', 'portal'],
      )
      .updateEntity(false)
      .execute();
  }

  async delete(m: EntityManager, organizationId: string, portal: SyndicationPortal): Promise<boolean> {
    const result = await m.getRepository(PortalTarget).delete({ organizationId, portal });
    return (result.affected ?? 0) > 0;
  }

  /** Listings still on (or on their way to) the portal. */
  countLive(m: EntityManager, organizationId: string, portal: SyndicationPortal): Promise<number> {
    return m
      .getRepository(ListingSyndication)
      .countBy({ organizationId, portal, status: Not(In(['removed'])) });
  }

  /** The portal refused the credentials (a job saw it): kept until new credentials are saved. */
  async markCredentialsRejected(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<boolean> {
    const result = await m
      .getRepository(PortalTarget)
      .update(
        { organizationId, portal, credentialsRejectedAt: IsNull() },
        { credentialsRejectedAt: new Date() },
      );
    return (result.affected ?? 0) > 0;
  }
}
