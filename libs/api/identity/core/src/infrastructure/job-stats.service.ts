import { getQueueToken } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { withTimeout } from '@ppt/observability';
import { ALL_QUEUES } from '@ppt/queue';
import type { Queue } from 'bull';
import { TraceStoreReader } from './trace-store.reader';
import { rangeOf } from './traces.service';

export interface JobTypeStats {
  queue: string;
  name: string;
  runs: number;
  completed: number;
  failed: number;
  /** completed / runs (0–1). */
  successRate: number;
  /** Runs that were a retry (attempt > 1). */
  retries: number;
  /** Failed runs that were the job's last attempt: the job stays failed (Bull keeps it). */
  deadLetters: number;
  p50Ms: number;
  p95Ms: number;
}

export interface LiveQueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** False when Redis did not answer in time (the counts are then zeros). */
  available: boolean;
}

export interface JobStats {
  from: string;
  to: string;
  jobs: JobTypeStats[];
  queues: LiveQueueCounts[];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Job statistics per job type from the recorded runs, and Bull's live counts (issue #22, item 3). */
@Injectable()
export class JobStatsService {
  constructor(
    private readonly store: TraceStoreReader,
    private readonly moduleRef: ModuleRef,
  ) {}

  async stats(query: { from?: string; to?: string; queue?: string }, now = new Date()): Promise<JobStats> {
    const { from, to } = rangeOf(query.from, query.to, now);
    const [rows, queues] = await Promise.all([
      this.store.jobStats(from, to, query.queue),
      Promise.all(ALL_QUEUES.filter((q) => !query.queue || q === query.queue).map((q) => this.live(q))),
    ]);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      jobs: rows.map((r) => ({
        queue: r.queue,
        name: r.name,
        runs: Number(r.runs),
        completed: Number(r.completed),
        failed: Number(r.failed),
        successRate: Number(r.runs) > 0 ? round(Number(r.completed) / Number(r.runs)) : 0,
        retries: Number(r.retries),
        deadLetters: Number(r.dead_letters),
        p50Ms: round(Number(r.p50)),
        p95Ms: round(Number(r.p95)),
      })),
      queues,
    };
  }

  private async live(name: string): Promise<LiveQueueCounts> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    try {
      const c = await withTimeout(queue.getJobCounts(), 1000);
      return { queue: name, ...c, available: true };
    } catch {
      return { queue: name, waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0, available: false };
    }
  }
}
