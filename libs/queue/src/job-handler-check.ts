import { getQueueToken } from '@nestjs/bull';
import {
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { runInJobScope } from '@ppt/db';
import type { Queue } from 'bull';
import type { QueueName } from './queue-names';
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

/**
 * The worker's job wiring at start: collects the @Process handlers and the @Scheduled methods, refuses
 * to boot unless every job has exactly one handler (scheduled jobs count as declared jobs of their
 * queue), wraps each scheduled method in its platform scope, consumes its job, and (at bootstrap)
 * registers its repeatable after removing the repeatables no current schedule owns.
 */
@Injectable()
class JobHandlerCheck implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Schedules');
  private schedules: ScheduledJob[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly consumed: ConsumedQueues,
  ) {}

  onModuleInit(): void {
    const found = this.scheduledMethods();
    const { jobs, problems: scheduleProblems } = collectSchedules(found.map((f) => f.schedule));
    const consumed: Record<string, string[]> = {};
    for (const [queue, names] of Object.entries(this.consumed) as [string, readonly string[]][])
      consumed[queue] = [...names];
    for (const { queue, job } of jobs) if (!(consumed[queue] ??= []).includes(job)) consumed[queue].push(job);
    const problems = [
      ...scheduleProblems,
      ...checkJobHandlers(consumed as ConsumedQueues, [
        ...this.handlers(),
        ...jobs.map(({ queue, job, where }) => ({ queue, job, where })),
      ]),
    ];
    if (problems.length > 0)
      throw new Error(`Job handlers do not match the declared jobs:\n- ${problems.join('\n- ')}`);
    this.schedules = jobs;
    for (const schedule of jobs) {
      const { instance, method } = found.find((f) => f.schedule.where === schedule.where)!;
      const original = instance[method] as (now: Date) => Promise<unknown>;
      const scoped = (now: Date = new Date()) =>
        runInJobScope(schedule.scope, () => original.call(instance, now));
      instance[method] = scoped;
      this.queue(schedule.queue).process(schedule.job, () => scoped(new Date()));
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const queues = new Set<string>([...Object.keys(this.consumed), ...this.schedules.map((s) => s.queue)]);
    for (const name of queues) {
      const queue = this.queue(name, false);
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

  private queue(name: string): Queue;
  private queue(name: string, required: false): Queue | undefined;
  private queue(name: string, required = true): Queue | undefined {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch (err) {
      if (required) throw err;
      return undefined;
    }
  }

  private scheduledMethods(): {
    instance: Record<string, unknown>;
    method: string;
    schedule: FoundSchedule;
  }[] {
    const found: { instance: Record<string, unknown>; method: string; schedule: FoundSchedule }[] = [];
    const instances = new Set<object>();
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype || typeof instance !== 'object' || instances.has(instance)) continue;
      instances.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method] as () => unknown;
        const options = this.reflector.get<Partial<ScheduledOptions> | undefined>(SCHEDULED_KEY, handler);
        if (options)
          found.push({
            instance: instance as Record<string, unknown>,
            method,
            schedule: { options, where: `${metatype.name}.${method}` },
          });
      }
    }
    return found;
  }

  private handlers(): { queue: string; job: string; where: string }[] {
    const found: { queue: string; job: string; where: string }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const processor = this.reflector.get<{ name?: string } | undefined>(PROCESSOR_KEY, metatype);
      if (!processor) continue;
      const queue = processor.name ?? 'default';
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method] as () => unknown;
        const process = this.reflector.get<{ name?: string } | undefined>(PROCESS_KEY, handler);
        if (process)
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
          inject: [DiscoveryService, MetadataScanner, Reflector, ModuleRef, CONSUMED_QUEUES],
          useFactory: (
            d: DiscoveryService,
            s: MetadataScanner,
            r: Reflector,
            m: ModuleRef,
            c: ConsumedQueues,
          ) => new JobHandlerCheck(d, s, r, m, c),
        },
      ],
    };
  }
}
