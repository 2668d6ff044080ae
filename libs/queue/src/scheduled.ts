import { SetMetadata } from '@nestjs/common';
import { runInJobScope } from '@ppt/db';
import { QueueName } from './queue-names';

export const SCHEDULED_KEY = 'ppt:scheduled';

export interface ScheduledOptions {
  /** The job name on its queue; also the repeatable's job id, so a schedule exists once however many workers start. */
  job: string;
  /** Cron expression, in UTC. */
  cron: string;
  /**
   * The platform scope (`app.platform_scope`) its `TenantTransactions.runPlatformJob` calls run in; the
   * collector applies it around the handler, the handler never names it. A new scope needs its RLS
   * policy (a migration) naming it.
   */
  scope: string;
  /** The queue the job runs on (default: maintenance). */
  queue?: QueueName;
  /** Bull attempts of one run (default: the queue's default). */
  attempts?: number;
}

/**
 * Declares a core-module provider's method as a scheduled job. Every call of the method — the job's,
 * or a direct one as the tests make — runs in the declared platform scope (its
 * `TenantTransactions.runPlatformJob` calls use it); the method never names a scope. The api worker's
 * collector (JobHandlerCheckModule) checks the declaration, consumes the job (calling the method with
 * the current time) and registers its repeatable (cron in UTC, job id = job name). Adding a scheduled
 * job is this decorator on a method of a provider the worker loads (plus a migration if its scope
 * needs a new policy). HTTP processes load the same provider but never consume the job.
 */
export function Scheduled(
  options: ScheduledOptions,
): <T extends (now: Date) => Promise<unknown>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void {
  const decorate = SetMetadata(SCHEDULED_KEY, options);
  return (target, key, descriptor) => {
    const original = descriptor.value as (now: Date) => Promise<unknown>;
    // Bull calls the handler with its Job, a direct call (the tests') with the time: the method gets a time.
    const scoped = function (this: unknown, now?: unknown): Promise<unknown> {
      const at = now instanceof Date ? now : new Date();
      return runInJobScope(options.scope, () => original.call(this, at));
    };
    Object.defineProperty(scoped, 'name', { value: original.name });
    descriptor.value = scoped as typeof descriptor.value;
    decorate(target, key, descriptor);
  };
}

/** A @Scheduled method found on a provider instance. */
export interface FoundSchedule {
  options: Partial<ScheduledOptions>;
  /** `Class.method`, for messages. */
  where: string;
}

/** A schedule the worker registers. */
export interface ScheduledJob {
  job: string;
  cron: string;
  scope: string;
  queue: QueueName;
  attempts?: number;
  /** The repeatable's job id (stable across deploys: the job name, as before the collector). */
  repeatId: string;
  where: string;
}

/**
 * Validates the found @Scheduled declarations: every one names a job, a cron and a platform scope, and
 * no job name is declared twice. Returns the schedules and the problems (the worker refuses to boot on any).
 */
export function collectSchedules(found: FoundSchedule[]): { jobs: ScheduledJob[]; problems: string[] } {
  const problems: string[] = [];
  const jobs: ScheduledJob[] = [];
  const seen = new Map<string, string>();
  for (const { options, where } of found) {
    const missing = (['job', 'cron', 'scope'] as const).filter(
      (field) => typeof options[field] !== 'string' || options[field].trim() === '',
    );
    if (missing.length > 0) {
      problems.push(`${where} is @Scheduled without ${missing.join(', ')}`);
      continue;
    }
    const job = options.job as string;
    const queue = options.queue ?? QueueName.Maintenance;
    const earlier = seen.get(job);
    if (earlier) {
      problems.push(`scheduled job "${job}" is declared twice: ${earlier}, ${where}`);
      continue;
    }
    seen.set(job, where);
    jobs.push({
      job,
      cron: options.cron as string,
      scope: options.scope as string,
      queue,
      attempts: options.attempts,
      repeatId: job,
      where,
    });
  }
  return { jobs, problems };
}
