import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { processGauge, processHistogram } from '@ppt/observability';
import { DataSource } from 'typeorm';

/** The pool label of this process's DataSource: its application name (api-server, api-worker, …). */
export const POOL_NAME = Symbol('POOL_NAME');

/** The counters node-postgres keeps on its Pool. */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const livePools = new Map<DataSource, string>();

/**
 * Connections of each pool, read from node-postgres's counters at scrape time (no timer). Pools of
 * one name (several apps booted in one process) are summed.
 */
const poolConnections = processGauge<'pool' | 'state'>({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by pool and state (total, idle, waiting = clients queued for a connection)',
  labelNames: ['pool', 'state'],
  collect() {
    this.reset();
    const sums = new Map<string, PgPoolCounts>();
    for (const [dataSource, pool] of livePools) {
      const counts = pgPoolOf(dataSource);
      if (!counts) continue;
      const sum = sums.get(pool) ?? { totalCount: 0, idleCount: 0, waitingCount: 0 };
      sum.totalCount += counts.totalCount;
      sum.idleCount += counts.idleCount;
      sum.waitingCount += counts.waitingCount;
      sums.set(pool, sum);
    }
    for (const [pool, sum] of sums) {
      this.set({ pool, state: 'total' }, sum.totalCount);
      this.set({ pool, state: 'idle' }, sum.idleCount);
      this.set({ pool, state: 'waiting' }, sum.waitingCount);
    }
  },
});
void poolConnections;

function pgPoolOf(dataSource: DataSource): PgPoolCounts | undefined {
  if (!dataSource.isInitialized) return undefined;
  // TypeORM's PostgresDriver keeps its pg.Pool as `master` (no replicas configured here).
  return (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
}

const queryDuration = processHistogram<'repository' | 'method'>({
  name: 'db_query_duration_seconds',
  help: 'Duration of repository method calls (their queries) by repository class and method',
  labelNames: ['repository', 'method'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
});

const TIMED = Symbol('repositoryMethodsTimed');

/**
 * Wraps every method of `instance` that returns a promise so its duration lands in
 * db_query_duration_seconds{repository, method}. The wrappers are the instance's own properties, so
 * the shared prototype (and another app built from it in the same process) is left alone.
 * Synchronous results (a query builder, a mapped value) are passed through untimed.
 */
export function timeRepositoryMethods(instance: object, repository: string): void {
  const target = instance as Record<PropertyKey, unknown>;
  if (target[TIMED]) return;
  target[TIMED] = true;
  for (const method of methodNames(instance)) {
    const original = target[method] as (...args: unknown[]) => unknown;
    const sample = queryDuration.labels(repository, method);
    target[method] = function timed(this: unknown, ...args: unknown[]): unknown {
      const start = performance.now();
      const result = original.apply(this, args);
      if (result instanceof Promise) {
        const stop = () => sample.observe((performance.now() - start) / 1000);
        // Observes without changing what the caller awaits (a rejection still reaches the caller).
        result.then(stop, stop);
      }
      return result;
    };
  }
}

function methodNames(instance: object): Set<string> {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(instance);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (name !== 'constructor' && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return names;
}

/**
 * At boot, times every repository of the app: each singleton provider whose class name ends in
 * `Repository` (the convention every aggregate's repository follows), with no code in the
 * repositories themselves. Class and method names are the labels: a bounded set fixed by the code.
 * Also registers the app's pool with db_pool_connections until shutdown.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly dataSource: DataSource,
    @Inject(POOL_NAME) private readonly poolName: string,
  ) {}

  onModuleInit(): void {
    livePools.set(this.dataSource, this.poolName);
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || typeof instance !== 'object' || typeof metatype !== 'function') continue;
      if (wrapper.inject || !wrapper.isDependencyTreeStatic()) continue; // factories, request scope
      if (!(instance instanceof metatype) || !metatype.name.endsWith('Repository')) continue;
      timeRepositoryMethods(instance, metatype.name);
    }
  }

  onApplicationShutdown(): void {
    livePools.delete(this.dataSource);
  }
}
