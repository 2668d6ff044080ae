import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { ReadinessCheck } from '@ppt/observability';
import { HealthController, READINESS_CHECKS } from './health.controller';
import { OptionalDependencies } from './optional-dependencies';
import { Readiness } from './readiness';

export interface HealthModuleOptions {
  /** The dependencies readiness checks; their providers come from the modules that own them. */
  checks: Type<ReadinessCheck>[];
  /** On SIGTERM, readiness answers 503 for this long before the listener closes. */
  drainMs: number;
}

/**
 * GET /health/live and GET /health/ready (@nestjs/terminus). Global, so feature modules can
 * register OptionalDependencies of their own and record readiness (Readiness).
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: options.drainMs }),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: options.checks,
        },
        OptionalDependencies,
        Readiness,
      ],
      exports: [OptionalDependencies, Readiness],
    };
  }
}
