import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { DocumentSearchEnv } from './document-search.env';
import { chunkText, detectLanguage, TS_CONFIG } from './chunking';
import { DocumentChunksRepository } from './document-chunks.repository';
import { DocumentEmbeddings } from './document-embeddings';
import { DocumentsRepository, type IndexableVersion } from '../documents/documents.repository';

const PDF = 'application/pdf';

/** What a chunk's vector is computed from (at indexing and when re-embedding): its title and text. */
export function embeddingText(title: string, text: string): string {
  return `${title}\n${text}`;
}

/**
 * Keeps the chunks of a document in step with it: a version whose text was extracted replaces the
 * chunks of its document (all versions); a deleted version's chunks go. Embedding happens outside
 * the transaction (a slow provider holds no connection); a version that was deleted or superseded
 * meanwhile is not indexed (a late job for an old version cannot undo a newer one).
 */
@Injectable()
export class DocumentIndexer {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly chunks: DocumentChunksRepository,
    private readonly documents: DocumentsRepository,
    private readonly embeddings: DocumentEmbeddings,
    private readonly env: DocumentSearchEnv,
  ) {}

  async index(organizationId: string, versionId: string): Promise<string> {
    const found = await this.tenant.run({ organizationId }, async (m) => {
      const version = await this.documents.indexableVersion(m, organizationId, versionId);
      if (!this.indexable(version)) return null;
      return {
        version,
        text: (await this.documents.text(m, organizationId, versionId)) ?? '',
        documentId: await this.documents.firstVersion(m, organizationId, versionId),
        vectors: await this.chunks.hasEmbeddingColumn(m),
      };
    });
    if (!found) return 'nothing to index';
    const { version, text, documentId } = found;
    // The organisation's own model, else the platform's; never another's (chunks record which).
    const target = found.vectors ? await this.embeddings.targetFor(organizationId) : null;
    const pieces = await chunkText(text, version.contentType === PDF, {
      chunkTokens: this.env.DOCUMENT_SEARCH_CHUNK_TOKENS,
      overlapTokens: this.env.DOCUMENT_SEARCH_CHUNK_OVERLAP_TOKENS,
    });
    const language = detectLanguage(text);
    const vectors = await this.embeddings.embedDocuments(
      target,
      pieces.map((c) => embeddingText(version.title, c.text)),
    );
    return this.tenant.run({ organizationId }, async (m) => {
      // Checked again in the writing transaction: deleted or superseded while embedding.
      if (!this.indexable(await this.documents.indexableVersion(m, organizationId, versionId)))
        return 'stale';
      await this.chunks.replace(
        m,
        organizationId,
        { documentId, versionId, title: version.title, language, tsConfig: TS_CONFIG[language] },
        pieces,
        vectors && target ? { model: target.identity, vectors } : null,
      );
      return `indexed ${pieces.length} chunks (${language}${vectors ? ', with vectors' : ''})`;
    });
  }

  async remove(organizationId: string, versionId: string): Promise<string> {
    await this.tenant.run({ organizationId }, (m) => this.chunks.removeVersion(m, organizationId, versionId));
    return 'removed';
  }

  private indexable(v: IndexableVersion | null): v is IndexableVersion {
    return v !== null && !v.deleted && !v.superseded && v.status === 'active' && v.textStatus === 'extracted';
  }
}
