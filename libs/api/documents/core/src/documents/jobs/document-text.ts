import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import { ObjectStorage } from '@ppt/storage';
import { DocumentsEnv } from '../documents.env';
import { DocumentsRepository } from '../documents.repository';
import { extractText, TextExtractionError } from './text-extraction';

/**
 * Extracts and stores one document's text. A file that cannot be read is marked failed (retrying
 * would not help); storage or database trouble throws, so Bull retries with back-off.
 */
@Injectable()
export class DocumentText {
  private readonly logger = new Logger(DocumentText.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly documents: DocumentsRepository,
    private readonly storage: ObjectStorage,
    private readonly env: DocumentsEnv,
    private readonly outbox: OutboxWriter,
  ) {}

  async extract(organizationId: string, documentId: string): Promise<string> {
    const doc = await this.tenant.run({ organizationId }, (m) =>
      this.documents.findById(m, organizationId, documentId),
    );
    if (!doc || doc.status !== 'active' || doc.textStatus !== 'pending') return 'nothing to do';
    const save = (changes: { textStatus: 'extracted' | 'failed' | 'skipped'; extractedText?: string }) =>
      this.tenant.run({ organizationId }, async (m) => {
        await this.documents.update(m, organizationId, documentId, changes);
        if (changes.textStatus !== 'extracted') return;
        // Document search indexes the text (and drops the chunks of the versions before it).
        await this.outbox.write(m, {
          type: 'document.text_extracted',
          organizationId,
          aggregateId: documentId,
          aggregateVersion: 1,
          payload: { documentId, previousVersionId: doc.previousVersionId },
        });
      });
    if (doc.sizeBytes > this.env.TEXT_EXTRACTION_MAX_BYTES) {
      await save({ textStatus: 'skipped' });
      return 'skipped: too large';
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.getStream(doc.objectKey)) chunks.push(chunk as Buffer);
    try {
      const text = await extractText(doc.contentType, Buffer.concat(chunks), {
        timeoutMs: this.env.TEXT_EXTRACTION_TIMEOUT_MS,
        memoryMb: this.env.TEXT_EXTRACTION_MEMORY_MB,
      });
      await save(
        text === null ? { textStatus: 'skipped' } : { textStatus: 'extracted', extractedText: text },
      );
      return text === null ? 'skipped: no text in this type' : `extracted ${text.length} characters`;
    } catch (err) {
      if (!(err instanceof TextExtractionError)) throw err;
      this.logger.warn({ documentId, reason: err.message }, 'Text extraction failed');
      await save({ textStatus: 'failed' });
      return `failed: ${err.message}`;
    }
  }
}
