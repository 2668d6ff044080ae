export {
  connectAdmin,
  createEmptyDatabase,
  createTestDatabase,
  type TestDatabase,
} from './template-database';
export { assertRedisReachable, testRedisPrefix } from './test-redis';
export {
  databaseUrl,
  TEST_APP_ROLE,
  TEST_DATABASE_ADMIN_URL,
  TEST_PORTAL_ROLE,
  TEST_WORKER_ROLE,
  TEST_REDIS_URL,
  templateDatabaseName,
  uniqueSuffix,
  WORKSPACE_ROOT,
} from './test-services';
export { closedPort } from './closed-port';
export { eventually } from './eventually';
export { connectWs, TestSocket, wsUrlOf, type WsFrame } from './ws-client';
export { startPrivateRedis, type PrivateRedis } from './private-redis';
export { spawnEntryPoint, waitForStatus, type SpawnedProcess } from './spawn-app';
export { bootTestApp, type BootedApp, type BootOptions } from './boot-test-app';
export { testSigningKey } from './signing-key';
export { startMailCatcher, tokenFromMail, type MailCatcher } from './mail-catcher';
export {
  startFakePushService,
  type FakePushService,
  type PushClient,
  type PushStatus,
  type ReceivedPush,
} from './push-service';
export { startS3Server, type S3Server } from './s3-server';
export { generatedStream, readAll, sha256Of } from './byte-streams';
export {
  deeplyNestedPdf,
  inflatingPdf,
  sampleDocx,
  sampleJpeg,
  sampleOdt,
  samplePdf,
  samplePng,
  zipArchive,
  zipBombDocx,
  type DeflatedZipEntry,
} from './document-fixtures';
export {
  startFakeSrealityPortal,
  type FakeSrealityAdvert,
  type FakeSrealityPortal,
} from './portals/fake-sreality-portal';
export { startFakeWebhookPortal, type FakeWebhookPortal } from './portals/fake-webhook-portal';
export {
  startFakeOpenImmoPortal,
  type FakeOpenImmoObject,
  type FakeOpenImmoPhoto,
  type FakeOpenImmoPortal,
  type FakeOpenImmoTransfer,
} from './portals/fake-openimmo-portal';
export {
  containersOf,
  podSpecOf,
  renderKustomization,
  type K8sContainer,
  type K8sObject,
} from './deployment/kustomize';
export {
  byKind,
  configMapUrlProblems,
  inClusterTarget,
  inlinedSecretProblems,
  networkAllows,
  networkPolicyProblems,
  podHardeningProblems,
  portAndTargetProblems,
  secretKeysReferenced,
} from './deployment/wiring';
export {
  composeProcesses,
  loadCompose,
  overlayProcesses,
  processesOf,
  type ProcessEnv,
} from './deployment/process-env';
export { OpenApiContract, type ObservedResponse } from './contract/openapi-contract';
export { checkAnswersAgainstDocument, takeContractViolations } from './contract/contract-recorder';
export { fuzzRequests, type FuzzRequest } from './contract/fuzz-requests';
export {
  startFakeOpenImmoFileDrop,
  type FakeOpenImmoFileDrop,
  type FakeReportInquiry,
} from './portals/fake-openimmo-file-drop';
export { receiveTransfer, type TransferAnswer } from './portals/fake-openimmo-portal';
export { startLocalSftpServer, type LocalSftpServer } from './portals/sftp-server';
export { startFakeAnthropicServer, type FakeAnthropicServer } from './llm/anthropic-server';
export type { FakeLlmMode, FakeLlmRequest, FakeTurn } from './llm/fake-llm-common';
export {
  startFakeEmbeddingsServer,
  startFakeOpenAiServer,
  type FakeEmbeddingsServer,
  type FakeOpenAiServer,
  type FakeRoute,
} from './llm/openai-server';
export {
  DEFAULT_FAKE_EMBEDDING_DIMENSIONS,
  embeddingTokens,
  fakeEmbedding,
  float32ToBase64,
  openAIEmbeddingsHandler,
  type EmbeddingsHandlerOptions,
  type EmbeddingsRequest,
} from './llm/openai-embeddings';
export { startPgvectorServer, type PgvectorServer } from './pglite/pgvector-server';
