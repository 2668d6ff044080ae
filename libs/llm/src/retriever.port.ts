/**
 * What the assistant needs from document search (implemented by the documents context, wired by the
 * app). Retrieval filters by the asking user's access before the model sees anything.
 */
export interface RetrievedChunk {
  documentId: string;
  documentTitle: string;
  versionId: string;
  page: number | null;
  chunkIndex: number;
  text: string;
  score: number;
}
export interface RetrievalActor {
  organizationId: string;
  userId: string;
  role: string;
}
export interface AssistantRetriever {
  retrieve(actor: RetrievalActor, query: string, limit: number): Promise<RetrievedChunk[]>;
}
export const ASSISTANT_RETRIEVER = Symbol('ASSISTANT_RETRIEVER');
