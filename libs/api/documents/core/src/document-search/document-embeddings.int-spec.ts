import { fakeEmbedding, startFakeEmbeddingsServer, type FakeEmbeddingsServer } from '@ppt/testing';
import { DocumentSearchEnv } from './document-search.env';
import { DocumentEmbeddings, EMBEDDING_DIMENSIONS } from './document-embeddings';

/**
 * The embedding client (LangChain's OpenAIEmbeddings on the official SDK) against the local
 * OpenAI-compatible server: base64 float32 answers decoded to the exact vectors, `dimensions` sent,
 * and the server's answers to malformed requests as the API reference describes them.
 */
const ORG = '00000000-0000-4000-8000-000000000001';

describe('document embeddings through the local OpenAI-compatible server', () => {
  let server: FakeEmbeddingsServer;
  beforeAll(async () => {
    server = await startFakeEmbeddingsServer();
  });
  afterAll(() => server.close());

  const embeddings = (url: string | undefined) =>
    new DocumentEmbeddings(
      Object.assign(new DocumentSearchEnv(), {
        DOCUMENT_SEARCH_EMBEDDINGS_URL: url,
        DOCUMENT_SEARCH_EMBEDDINGS_MODEL: 'text-embedding-3-small',
        DOCUMENT_SEARCH_EMBEDDINGS_API_KEY: 'sk-test',
      }),
    );

  it('embeds documents and queries in base64, as the SDK asks, into the exact vectors', async () => {
    const client = embeddings(server.baseURL);
    const target = await client.targetFor(ORG);
    expect(target).toMatchObject({
      identity: `openai ${server.baseURL.replace(/\/+$/, '')} text-embedding-3-small`,
      source: 'platform',
    });
    const texts = ['Noční klid je od 22:00.', 'The boiler is serviced every autumn.'];
    const vectors = await client.embedDocuments(target, texts);
    expect(vectors).toHaveLength(2);
    vectors?.forEach((v, i) => {
      expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
      const want = fakeEmbedding(texts[i], EMBEDDING_DIMENSIONS);
      v.forEach((x, j) => expect(x).toBeCloseTo(want[j], 6));
    });
    expect(server.requests[0]).toMatchObject({
      model: 'text-embedding-3-small',
      input: texts,
      encoding_format: 'base64',
      dimensions: EMBEDDING_DIMENSIONS,
    });
    const query = await client.embedQuery(target, 'noční klid');
    expect(query).toHaveLength(EMBEDDING_DIMENSIONS);
    // Similar texts are near: the query is closer to the first text than to the second.
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).reduce((sum, x, i) => sum + x * b[i], 0);
    expect(dot(query as number[], (vectors as number[][])[0])).toBeGreaterThan(
      dot(query as number[], (vectors as number[][])[1]),
    );
  });

  it('is off without a URL, and gives up (null, search goes on by full text) when the server is unreachable', async () => {
    const off = embeddings(undefined);
    expect(await off.targetFor(ORG)).toBeNull();
    expect(await off.embedQuery(await off.targetFor(ORG), 'x')).toBeNull();
    const unreachable = embeddings('http://127.0.0.1:9/v1');
    expect(await unreachable.embedDocuments(await unreachable.targetFor(ORG), ['x'])).toBeNull();
  });

  it('answers malformed requests as OpenAI does (401 without a key, 400 invalid_request_error)', async () => {
    const post = (body: unknown, headers: Record<string, string> = { authorization: 'Bearer sk-test' }) =>
      fetch(`${server.baseURL}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({ model: 'm', input: 'x' }, {})).status).toBe(401);
    for (const body of [
      { model: 'm', input: '' },
      { model: 'm', input: [] },
      { input: 'x' },
      { model: 'm', input: 'x', encoding_format: 'hex' },
      { model: 'm', input: 'x', dimensions: 0 },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        type: 'invalid_request_error',
      });
    }
    const floats = (await (await post({ model: 'm', input: ['ab cd', 'ef gh'], dimensions: 8 })).json()) as {
      data: { embedding: number[] }[];
    };
    expect(floats).toMatchObject({
      object: 'list',
      model: 'm',
      data: [
        { object: 'embedding', index: 0 },
        { object: 'embedding', index: 1 },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(floats.data[0].embedding).toHaveLength(8);
  });
});
