import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { QueueName } from './queue-names';

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

@Injectable()
class JobHandlerCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly consumed: ConsumedQueues,
  ) {}

  onModuleInit(): void {
    const problems = checkJobHandlers(this.consumed, this.handlers());
    if (problems.length > 0)
      throw new Error(`Job handlers do not match the declared jobs:\n- ${problems.join('\n- ')}`);
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

/** Import in a worker with the queues it consumes and their job names. */
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
          inject: [DiscoveryService, MetadataScanner, Reflector, CONSUMED_QUEUES],
          useFactory: (d: DiscoveryService, s: MetadataScanner, r: Reflector, c: ConsumedQueues) =>
            new JobHandlerCheck(d, s, r, c),
        },
      ],
    };
  }
}
