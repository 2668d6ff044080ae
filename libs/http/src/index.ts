export { API_PREFIX, createHttpApp, createWorkerApp, UNPREFIXED_ROUTES, type HttpAppOptions } from './create-http-app';
export { HealthController, READINESS_CHECKS } from './health.controller';
export { HealthModule, type HealthModuleOptions } from './health.module';
export { installSignalHandlers, runMain, runUntilSignalled, type RunOptions } from './run-until-signalled';
