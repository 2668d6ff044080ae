import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { DocumentsRepository } from './documents.repository';

/**
 * The local storage driver's direct uploads: a signed PUT claims its staging object once (so a link is
 * spent after one use) and gives the claim back when the upload fails. Used by the local storage route.
 */
@Injectable()
export class StagingPuts {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly documents: DocumentsRepository,
  ) {}

  claim(organizationId: string, documentId: string, key: string): ReturnType<DocumentsRepository['claimStagingPut']> {
    return this.tenant.run({ organizationId }, (m) =>
      this.documents.claimStagingPut(m, organizationId, documentId, key),
    );
  }

  release(organizationId: string, documentId: string): Promise<void> {
    return this.tenant
      .run({ organizationId }, (m) => this.documents.releaseStagingPut(m, organizationId, documentId))
      .then(() => undefined);
  }
}
