import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { CoreEnv } from '@ppt/config';
import { RedisConnections } from '@ppt/redis';
import { QueueMetrics } from './queue-metrics';
import { JITTERED_BACKOFF, jitteredBackoff } from './backoff';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue-names';
import { traceBullJobs } from './job-tracing';
import { JobRunRecorder } from './job-runs.recorder';

/**
 * Bull on the platform's Redis: every queue registered under `<REDIS_KEY_PREFIX>bull`, connections
 * made by the shared Redis factory. Producers (HTTP apps) and consumers (workers) both import it;
 * only workers declare processors.
 */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    traceBullJobs();
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [RedisConnections, CoreEnv],
          useFactory: (connections: RedisConnections, env: CoreEnv) => ({
            prefix: `${connections.keyPrefix}bull`,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
            settings: {
              backoffStrategies: { [JITTERED_BACKOFF]: jitteredBackoff },
              lockDuration: env.QUEUE_LOCK_DURATION_MS,
              stalledInterval: env.QUEUE_STALLED_INTERVAL_MS,
            },
            // Bull's subscriber and blocking clients must retry forever and skip the ready check.
            createClient: (type) =>
              connections.create(
                `bull-${type}`,
                type === 'client' ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false },
              ),
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [QueueMetrics, JobRunRecorder],
      exports: [BullModule],
    };
  }
}
