import { startTelemetry } from '@ppt/observability';

// As apps/api-server/src/instrument.ts: first, so the instrumentations patch ioredis and pg as they load.
startTelemetry({ serviceName: 'api-server', env: process.env });
