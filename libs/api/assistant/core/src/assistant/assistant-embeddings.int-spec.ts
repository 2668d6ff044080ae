import { Module } from '@nestjs/common';
import { ServiceTestContext, type TestMember } from '@ppt/api-testing';
import { SyndicationEnv } from '@ppt/api-marketing-core';
import { AssistantUsage } from '@ppt/api-db';
import {
  EMBEDDING_DIMENSIONS,
  embeddingIdentity,
  ORGANIZATION_EMBEDDINGS,
  type OrganizationEmbeddings,
} from '@ppt/llm';
import { AppError } from '@ppt/observability';
import { float32ToBase64, startFakeOpenAiServer, type FakeOpenAiServer } from '@ppt/testing';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AssistantEnv } from './assistant.env';
import { AssistantEmbeddingsModule } from './assistant-embeddings.module';
import { AssistantSettingsService } from './assistant-settings.service';
import type { PutAssistantSettingsDto } from './dto/assistant-settings.dto';

@Module({ imports: [AssistantEmbeddingsModule], providers: [AssistantSettingsService] })
class SettingsUnderTest {}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'saved';
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
}

/**
 * An organisation's own embedding model, through its assistant settings: checked at save by a test
 * call (a model answering another length than the stored vectors is refused), then offered to
 * document search (ORGANIZATION_EMBEDDINGS) with the organisation's key, through the guarded agent,
 * its tokens in the usage ledger and paused once the budget is used up. Real PostgreSQL (RLS), the
 * local OpenAI-compatible server.
 */
describe('organisation embedding models (assistant settings → document search port)', () => {
  let ctx: ServiceTestContext;
  let provider: FakeOpenAiServer;
  let settings: AssistantSettingsService;
  let port: OrganizationEmbeddings;
  let admin: TestMember;
  /** The server's embeddings route answers this many dimensions whatever is asked (a model without `dimensions`). */
  let fixedLength: number | null = null;
  /** Inputs per embeddings request the server received. */
  const requestSizes: number[] = [];

  beforeAll(async () => {
    provider = await startFakeOpenAiServer({
      apiKeys: ['sk-org'],
      routes: {
        'POST /v1/embeddings': (_req, res: ServerResponse, body) => {
          const inputs = ([] as unknown[]).concat(body?.input ?? []).map(String);
          requestSizes.push(inputs.length);
          const length = fixedLength ?? Number(body?.dimensions ?? 1536);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              object: 'list',
              model: body?.model,
              data: inputs.map((_, index) => ({
                object: 'embedding',
                index,
                embedding: float32ToBase64(new Float32Array(length).fill(1 / Math.sqrt(length))),
              })),
              usage: { prompt_tokens: inputs.length * 7, total_tokens: inputs.length * 7 },
            }),
          );
        },
      },
    });
    ctx = await ServiceTestContext.create({
      imports: [SettingsUnderTest],
      // Syndication's slice validates the shared secret box keys and outbound allow-list.
      envSlices: [AssistantEnv, SyndicationEnv],
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
        ASSISTANT_ATTEMPTS: '1',
      },
    });
    settings = ctx.get(AssistantSettingsService);
    port = ctx.get<OrganizationEmbeddings>(ORGANIZATION_EMBEDDINGS);
    admin = await ctx.newMember(await ctx.newOrganization(), 'org_admin');
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await provider?.close();
  });

  const dto = (values: Partial<PutAssistantSettingsDto> = {}): PutAssistantSettingsDto => ({
    provider: 'openai',
    baseUrl: provider.baseUrl,
    model: 'gpt-test',
    apiKey: 'sk-org',
    temperature: 0.2,
    maxTokens: 64,
    ...values,
  });

  it('without an embedding model of its own, an organisation uses the platform default', async () => {
    await settings.put(admin, dto());
    expect(await port.choose(admin.organizationId)).toEqual({ kind: 'platform' });
  });

  it('refuses (422, nothing saved) a model answering vectors of another length, or a provider without embeddings', async () => {
    fixedLength = 768;
    expect(await codeOf(settings.put(admin, dto({ embeddingModel: 'nomic-embed-text' })))).toBe(
      '422 AI_EMBEDDING_DIMENSIONS',
    );
    fixedLength = null;
    expect((await settings.get(admin)).embeddingModel).toBeNull();
    expect(
      await codeOf(settings.put(admin, dto({ provider: 'anthropic', embeddingModel: 'voyage-3' }))),
    ).toBe('422 AI_EMBEDDINGS_UNSUPPORTED');
    expect(
      await codeOf(
        settings.put(admin, dto({ apiKey: 'sk-wrong', embeddingModel: 'text-embedding-3-small' })),
      ),
    ).toBe('422 AI_SETTINGS_REJECTED');
    expect((await settings.get(admin)).embeddingModel).toBeNull();
  });

  it('saves a model that answers 1536 dimensions; document search then embeds with it, counted in the budget', async () => {
    const saved = await settings.put(
      admin,
      dto({ embeddingModel: 'text-embedding-3-small', monthlyTokenBudget: 100 }),
    );
    expect(saved.embeddingModel).toBe('text-embedding-3-small');
    const choice = await port.choose(admin.organizationId);
    if (choice.kind !== 'organization')
      throw new Error(`expected the organisation's model, got ${choice.kind}`);
    expect(choice.model.identity).toBe(
      embeddingIdentity({ baseUrl: provider.baseUrl, model: 'text-embedding-3-small' }),
    );
    const vectors = await choice.model.embedDocuments(['a', 'b', 'c']);
    expect(vectors.map((v) => v.length)).toEqual([
      EMBEDDING_DIMENSIONS,
      EMBEDDING_DIMENSIONS,
      EMBEDDING_DIMENSIONS,
    ]);
    const usage = await ctx.owner
      .getRepository(AssistantUsage)
      .findBy({ organizationId: admin.organizationId });
    expect(usage.map((u) => [u.feature, u.inputTokens, u.outputTokens, u.userId])).toEqual([
      ['embeddings', 21, 0, null],
    ]);
    expect((await settings.get(admin)).usedTokensThisMonth).toBe(21);
  });

  it('pauses the model (no call, never the platform model instead) once the monthly budget is used up', async () => {
    await ctx.insert(AssistantUsage, {
      organizationId: admin.organizationId,
      userId: null,
      feature: 'chat',
      inputTokens: 100,
      outputTokens: 0,
      costMicros: 0,
    });
    expect(await port.choose(admin.organizationId)).toEqual({
      kind: 'paused',
      identity: embeddingIdentity({ baseUrl: provider.baseUrl, model: 'text-embedding-3-small' }),
      reason: 'the monthly tokens budget is used up',
    });
  });

  // A stranger's lookup reads its own (absent) settings, not the first row it can see.
  it('answers for the asking organisation only (its own settings)', async () => {
    const stranger = await ctx.newMember(await ctx.newOrganization(), 'org_admin');
    expect(await port.choose(stranger.organizationId)).toEqual({ kind: 'platform' });
  });

  it('keeps the saved model when a PUT omits embeddingModel, clears it on null', async () => {
    expect((await settings.put(admin, dto({ monthlyTokenBudget: 100 }))).embeddingModel).toBe(
      'text-embedding-3-small',
    );
    // Switching to a provider without embeddings while a model is saved: refused, not silently dropped.
    expect(await codeOf(settings.put(admin, dto({ provider: 'anthropic' })))).toBe(
      '422 AI_EMBEDDINGS_UNSUPPORTED',
    );
    expect((await settings.put(admin, dto({ embeddingModel: null }))).embeddingModel).toBeNull();
    expect(await port.choose(admin.organizationId)).toEqual({ kind: 'platform' });
  });

  it('admits every request of at most 64 texts on its own: the budget is checked again between them, the rate too', async () => {
    const member = await ctx.newMember(await ctx.newOrganization(), 'org_admin');
    const texts = Array.from({ length: 70 }, (_, i) => `t${i}`);
    const modelOf = async () => {
      const choice = await port.choose(member.organizationId);
      if (choice.kind !== 'organization')
        throw new Error(`expected the organisation's model, got ${choice.kind}`);
      return choice.model;
    };
    // 7 tokens per text: the first request (64 texts, 448 tokens) uses up a budget of 300.
    await settings.put(member, dto({ embeddingModel: 'text-embedding-3-small', monthlyTokenBudget: 300 }));
    requestSizes.length = 0;
    expect(await codeOf((await modelOf()).embedDocuments(texts))).toBe('429 AI_BUDGET_EXCEEDED');
    expect(requestSizes).toEqual([64]);
    const ledger = () =>
      ctx.owner.getRepository(AssistantUsage).findBy({ organizationId: member.organizationId });
    expect((await ledger()).map((u) => u.inputTokens)).toEqual([448]);

    // One request per minute for the organisation: the second request of the same call is refused.
    await settings.put(member, dto({ embeddingModel: 'text-embedding-3-small', requestsPerMinute: 1 }));
    requestSizes.length = 0;
    expect(await codeOf((await modelOf()).embedDocuments(texts))).toBe('429 RATE_LIMITED');
    expect(requestSizes).toEqual([64]);
    // A question's embedding belongs to a request already counted (search, chat): not limited again.
    expect((await (await modelOf()).embedQuery('otázka')).length).toBe(EMBEDDING_DIMENSIONS);
  });
});
