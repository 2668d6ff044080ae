import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import { processGauge, withTimeout } from '@ppt/observability';
import type { Queue } from 'bull';
import { ALL_QUEUES } from './queue-names';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;
const liveQueues = new Set<Queue>();

/** Queue depth by state, read from Redis at scrape time (process-wide gauge, any number of apps). */
const depth = processGauge<'queue' | 'state'>({
  name: 'bull_queue_jobs',
  help: 'Jobs in each Bull queue by state',
  labelNames: ['queue', 'state'],
  async collect() {
    this.reset();
    await Promise.all(
      [...liveQueues].map(async (queue) => {
        try {
          const counts = await withTimeout(queue.getJobCounts(), 500);
          const paused = await withTimeout(queue.getJobCountByTypes('paused'), 500);
          const byState: Record<string, number> = { ...counts, paused };
          for (const state of STATES) this.set({ queue: queue.name, state }, byState[state] ?? 0);
        } catch {
          // Redis unreachable: report nothing rather than stale numbers; readiness shows the outage.
        }
      }),
    );
  },
});
void depth;

@Injectable()
export class QueueMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly queues: Queue[] = [];

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.queues.push(queue);
      liveQueues.add(queue);
    }
  }

  onApplicationShutdown(): void {
    for (const queue of this.queues) liveQueues.delete(queue);
  }
}
