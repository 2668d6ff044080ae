import { getQueueToken } from '@nestjs/bull';
import {
  Logger,
  Module,
  type DynamicModule,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Queue } from 'bull';
import { ALL_QUEUES, type QueueName } from './queue-names';
import { scheduleRepeatable } from './schedule';
import {
  collectSchedules,
  SCHEDULED_KEY,
  type FoundSchedule,
  type ScheduledJob,
  type ScheduledOptions,
} from './scheduled';

// @nestjs/bull's metadata keys (bull.constants; not exported from the package root).
const PROCESSOR_KEY = 'bull:module_queue';
const PROCESS_KEY = 'bull:module_queue_process';
/** Bull's name for jobs added without a name, and its catch-all handler name. */
const DEFAULT_JOB = '__default__';
const ANY_JOB = '*';

/** The job names of each queue a worker consumes. */
export type ConsumedQueues = Partial<Record<QueueName, readonly string[]>>;
const CONSUMED_QUEUES = Symbol('CONSUMED_QUEUES');

/**
 * Refuses to start a worker whose handlers do not match the jobs it consumes: every job name of a
 * consumed queue must have exactly one handler (a job without one fails with "Missing process
 * handler" only when it runs, maybe at 2 a.m.), no handler may serve an undeclared name, and no
 * processor may listen on a queue the worker does not declare.
 */
export function checkJobHandlers(
  consumed: ConsumedQueues,
  handlers: { queue: string; job: string; where: string }[],
): string[] {
  const problems: string[] = [];
  for (const { queue, job, where } of handlers) {
    const declared = consumed[queue as QueueName];
    if (!declared) problems.push(`${where} processes queue "${queue}", which this worker does not declare`);
    else if (job !== ANY_JOB && !declared.includes(job))
      problems.push(`${where} handles "${job}", which is not a job of queue "${queue}"`);
  }
  for (const [queue, jobs] of Object.entries(consumed) as [string, readonly string[]][]) {
    const ofQueue = handlers.filter((h) => h.queue === queue);
    for (const job of jobs) {
      const serving = ofQueue.filter((h) => h.job === job || h.job === ANY_JOB);
      if (serving.length === 0) problems.push(`no handler for job "${job}" of queue "${queue}"`);
      if (serving.length > 1)
        problems.push(
          `job "${job}" of queue "${queue}" has ${serving.length} handlers: ${serving.map((h) => h.where).join(', ')}`,
        );
    }
  }
  return problems;
}

/** A provider class (not a value or factory provider) and its prototype. */
function providerClasses(
  discovery: DiscoveryService,
): { metatype: Type; prototype: Record<string, unknown> }[] {
  const classes: { metatype: Type; prototype: Record<string, unknown> }[] = [];
  for (const wrapper of discovery.getProviders()) {
    const { metatype, inject } = wrapper;
    if (!metatype || inject || typeof metatype !== 'function' || !metatype.prototype) continue;
    classes.push({ metatype: metatype as Type, prototype: metatype.prototype as Record<string, unknown> });
  }
  return classes;
}

/**
 * The worker's job wiring, done when this provider is made (before any module's init hook): collects
 * the @Process handlers and the @Scheduled methods, refuses to boot unless every job has exactly one
 * handler (scheduled jobs count as declared jobs of their queue), and marks each scheduled method as
 * its job's Bull handler (@Processor/@Process metadata), so @nestjs/bull's explorer starts it with the
 * other processors — in this process only: the marks go again at bootstrap. Scheduled methods run in
 * their platform scope (the @Scheduled wrapper). At bootstrap each schedule's repeatable is
 * registered, after removing the repeatables no current schedule owns.
 */
/**
 * Methods (and classes) a collector marked as Bull handlers for its app. They are not handlers of their
 * own: a later app in this process (after one that failed before its bootstrap removed the marks) must
 * not count them twice.
 */
const COLLECTOR_MARKED = new WeakSet<object>();

class JobHandlerCheck implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Schedules');
  private readonly schedules: ScheduledJob[] = [];
  private readonly marked: { target: object; key: string }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly consumed: ConsumedQueues,
    private readonly queues: Partial<Record<string, Queue>>,
  ) {
    const scheduled = this.findScheduled();
    const { jobs, problems: scheduleProblems } = collectSchedules(scheduled.map((f) => f.schedule));
    const declared: Record<string, string[]> = {};
    for (const [queue, names] of Object.entries(this.consumed) as [string, readonly string[]][])
      declared[queue] = [...names];
    for (const { queue, job } of jobs) if (!(declared[queue] ??= []).includes(job)) declared[queue].push(job);
    const problems = [
      ...scheduleProblems,
      ...checkJobHandlers(declared as ConsumedQueues, [
        ...this.handlers(),
        ...jobs.map(({ queue, job, where }) => ({ queue, job, where })),
      ]),
    ];
    for (const schedule of jobs) {
      const { metatype } = scheduled.find((f) => f.schedule.where === schedule.where)!;
      const processor = COLLECTOR_MARKED.has(metatype)
        ? undefined
        : this.reflector.get<{ name?: string } | undefined>(PROCESSOR_KEY, metatype);
      if (processor && processor.name !== schedule.queue)
        problems.push(
          `${schedule.where} is scheduled on "${schedule.queue}", but its class consumes "${processor.name}"`,
        );
      if (!this.queues[schedule.queue])
        problems.push(`${schedule.where} is scheduled on queue "${schedule.queue}", which is not registered`);
    }
    if (problems.length > 0)
      throw new Error(`Job handlers do not match the declared jobs:\n- ${problems.join('\n- ')}`);
    this.schedules = jobs;
    for (const schedule of jobs) {
      const { metatype, method } = scheduled.find((f) => f.schedule.where === schedule.where)!;
      const handler = metatype.prototype[method] as object;
      Reflect.defineMetadata(PROCESSOR_KEY, { name: schedule.queue }, metatype);
      Reflect.defineMetadata(PROCESS_KEY, { name: schedule.job }, handler);
      this.marked.push({ target: metatype, key: PROCESSOR_KEY }, { target: handler, key: PROCESS_KEY });
      COLLECTOR_MARKED.add(metatype).add(handler);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // Bull's explorer has started the consumers (module init); another app built in this process
    // (tests boot the HTTP app and workers side by side) must not consume the scheduled jobs.
    for (const { target, key } of this.marked.splice(0)) Reflect.deleteMetadata(key, target);
    const names = new Set<string>([...Object.keys(this.consumed), ...this.schedules.map((s) => s.queue)]);
    for (const name of names) {
      const queue = this.queues[name];
      if (!queue) continue; // declared but not registered in this context (unit tests); nothing scheduled on it
      const wanted = this.schedules.filter((s) => s.queue === name);
      const declared: readonly string[] = this.consumed[name as QueueName] ?? [];
      for (const repeatable of await queue.getRepeatableJobs()) {
        const schedule = wanted.find((s) => s.job === repeatable.name);
        // Kept: a current schedule's own repeatable, and a job this worker consumes that schedules
        // itself (the portal's inquiry sweep). Removed: a job nothing handles any more, and a
        // scheduled job's old cron or id (after a change, so it does not fire twice).
        const current = schedule
          ? repeatable.id === schedule.repeatId &&
            repeatable.cron === schedule.cron &&
            repeatable.tz === 'UTC'
          : declared.includes(repeatable.name);
        if (current) continue;
        await queue.removeRepeatableByKey(repeatable.key);
        this.logger.log(
          `Removed the repeatable ${repeatable.name} (${repeatable.cron}) of ${name}: no schedule owns it`,
        );
      }
      for (const s of wanted)
        await scheduleRepeatable(
          queue,
          s.job,
          s.cron,
          s.attempts === undefined ? {} : { attempts: s.attempts },
        );
    }
  }

  /**
   * The consumed queues stop taking jobs (and finish the running ones) before any shutdown hook closes
   * the Redis connections under them (Bull's close is idempotent; the queue's own hook then returns).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const names = new Set<string>([...Object.keys(this.consumed), ...this.schedules.map((s) => s.queue)]);
    await Promise.all([...names].map((name) => this.queues[name]?.close()));
  }

  private findScheduled(): { metatype: Type; method: string; schedule: FoundSchedule }[] {
    const found: { metatype: Type; method: string; schedule: FoundSchedule }[] = [];
    for (const { metatype, prototype } of providerClasses(this.discovery)) {
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const options = this.reflector.get<Partial<ScheduledOptions> | undefined>(
          SCHEDULED_KEY,
          prototype[method] as () => unknown,
        );
        if (options)
          found.push({ metatype, method, schedule: { options, where: `${metatype.name}.${method}` } });
      }
    }
    return found;
  }

  private handlers(): { queue: string; job: string; where: string }[] {
    const found: { queue: string; job: string; where: string }[] = [];
    for (const { metatype, prototype } of providerClasses(this.discovery)) {
      const processor = this.reflector.get<{ name?: string } | undefined>(PROCESSOR_KEY, metatype);
      if (!processor) continue;
      const queue = processor.name ?? 'default';
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const process = this.reflector.get<{ name?: string } | undefined>(
          PROCESS_KEY,
          prototype[method] as () => unknown,
        );
        if (process && !COLLECTOR_MARKED.has(prototype[method] as object))
          found.push({ queue, job: process.name ?? DEFAULT_JOB, where: `${metatype.name}.${method}` });
      }
    }
    return found;
  }
}

/**
 * Import in a worker with the queues it consumes and their job names (scheduled jobs are added by
 * their @Scheduled declarations).
 */
@Module({})
export class JobHandlerCheckModule {
  static forRoot(consumed: ConsumedQueues): DynamicModule {
    return {
      module: JobHandlerCheckModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: CONSUMED_QUEUES, useValue: consumed },
        {
          provide: JobHandlerCheck,
          inject: [
            DiscoveryService,
            MetadataScanner,
            Reflector,
            CONSUMED_QUEUES,
            ...ALL_QUEUES.map((name) => ({ token: getQueueToken(name), optional: true })),
          ],
          useFactory: (
            d: DiscoveryService,
            s: MetadataScanner,
            r: Reflector,
            c: ConsumedQueues,
            ...queues: (Queue | undefined)[]
          ) =>
            new JobHandlerCheck(
              d,
              s,
              r,
              c,
              Object.fromEntries(ALL_QUEUES.map((name, i) => [name, queues[i]])),
            ),
        },
      ],
    };
  }
}
