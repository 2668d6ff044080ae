import { startTelemetry } from '@ppt/observability';

// Imported first by main.ts and worker.ts: instrumentation must patch modules before they load.
startTelemetry({ serviceName: 'reality-server', env: process.env });
