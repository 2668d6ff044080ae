import { Injectable } from '@nestjs/common';
import { HealthSample, type HealthApp, type HealthStatus } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { StatusRun } from './health-history.rules';

export type SampleDraft = Pick<HealthSample, 'app' | 'dependency' | 'status' | 'latencyMs' | 'error'>;

export interface SampleFilter {
  from: Date;
  to: Date;
  app?: HealthApp;
  dependency?: string;
}

/** Where a page continues: the last sample's (recorded_at, id). */
export interface SampleKey {
  recordedAt: Date;
  id: string;
}

/**
 * The health samples (platform data: no tenant). Writes run in the job's transaction as ppt_jobs;
 * reads in the platform admins' request scope 'platform-health' (the table's read policy).
 */
@Injectable()
export class HealthSamplesRepository {
  constructor(private readonly tenant: TenantTransactions) {}

  private read<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.tenant.runPlatform('platform-health', work);
  }

  async insert(m: EntityManager, recordedAt: Date, samples: SampleDraft[]): Promise<number> {
    if (samples.length === 0) return 0;
    await m.getRepository(HealthSample).insert(samples.map((s) => ({ ...s, recordedAt })));
    return samples.length;
  }

  async deleteRecordedBefore(m: EntityManager, cutoff: Date): Promise<number> {
    const res = await m
      .createQueryBuilder()
      .delete()
      .from(HealthSample)
      .where('recorded_at < :cutoff', { cutoff })
      .execute();
    return res.affected ?? 0;
  }

  /** Samples in time order after `after`, at most `limit`. */
  page(filter: SampleFilter, limit: number, after?: SampleKey): Promise<HealthSample[]> {
    return this.read((m) => {
      const q = this.filtered(m, filter)
        .orderBy('s.recorded_at', 'ASC')
        .addOrderBy('s.id', 'ASC')
        .limit(limit);
      if (after)
        q.andWhere('(s.recorded_at, s.id) > (:afterAt, :afterId)', {
          afterAt: after.recordedAt,
          afterId: after.id,
        });
      return q.getMany();
    });
  }

  /** Runs of equal status per app and dependency (gaps and islands), each dependency's in time order. */
  async statusRuns(filter: SampleFilter): Promise<StatusRun[]> {
    const rows = (await this.read((m) =>
      m.query(
        `WITH s AS (
         SELECT app, dependency, status, recorded_at,
                row_number() OVER (PARTITION BY app, dependency ORDER BY recorded_at, id)
                  - row_number() OVER (PARTITION BY app, dependency, status ORDER BY recorded_at, id) AS run
           FROM health_samples
          WHERE recorded_at >= $1 AND recorded_at < $2
            AND ($3::text IS NULL OR app = $3) AND ($4::text IS NULL OR dependency = $4)
       )
       SELECT app, dependency, status, min(recorded_at) AS first_at, max(recorded_at) AS last_at,
              count(*)::int AS samples
         FROM s GROUP BY app, dependency, status, run
        ORDER BY app, dependency, first_at`,
        params(filter),
      ),
    )) as {
      app: HealthApp;
      dependency: string;
      status: HealthStatus;
      first_at: Date;
      last_at: Date;
      samples: number;
    }[];
    return rows.map((r) => ({
      app: r.app,
      dependency: r.dependency,
      status: r.status,
      firstAt: r.first_at,
      lastAt: r.last_at,
      samples: r.samples,
    }));
  }

  /** p95 latency per app and dependency, keyed `app/dependency`. */
  async p95Latency(filter: SampleFilter): Promise<Map<string, number>> {
    const rows = (await this.read((m) =>
      m.query(
        `SELECT app, dependency, percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
         FROM health_samples
        WHERE recorded_at >= $1 AND recorded_at < $2
          AND ($3::text IS NULL OR app = $3) AND ($4::text IS NULL OR dependency = $4)
        GROUP BY app, dependency`,
        params(filter),
      ),
    )) as { app: string; dependency: string; p95: number }[];
    return new Map(rows.map((r) => [`${r.app}/${r.dependency}`, Number(r.p95)]));
  }

  private filtered(m: EntityManager, filter: SampleFilter) {
    const q = m
      .getRepository(HealthSample)
      .createQueryBuilder('s')
      .where('s.recorded_at >= :from AND s.recorded_at < :to', { from: filter.from, to: filter.to });
    if (filter.app) q.andWhere('s.app = :app', { app: filter.app });
    if (filter.dependency) q.andWhere('s.dependency = :dependency', { dependency: filter.dependency });
    return q;
  }
}

function params(filter: SampleFilter): unknown[] {
  return [filter.from, filter.to, filter.app ?? null, filter.dependency ?? null];
}
