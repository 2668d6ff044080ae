import { Process, Processor } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JobHandlerCheckModule, type ConsumedQueues } from './job-handler-check';
import { QueueName } from './queue-names';
import { collectSchedules, Scheduled, type ScheduledOptions } from './scheduled';

@Injectable()
class NightlyPass {
  @Scheduled({ job: 'nightly-pass', cron: '0 3 * * *', scope: 'nightly-pass' })
  run(): Promise<number> {
    return Promise.resolve(1);
  }
}

@Injectable()
class SecondNightlyPass {
  @Scheduled({ job: 'nightly-pass', cron: '30 3 * * *', scope: 'nightly-pass' })
  run(): Promise<number> {
    return Promise.resolve(2);
  }
}

@Injectable()
class Unscoped {
  @Scheduled({ job: 'unscoped', cron: '0 4 * * *' } as ScheduledOptions)
  run(): Promise<number> {
    return Promise.resolve(3);
  }
}

@Processor(QueueName.Maintenance)
class NightlyPassConsumer {
  @Process('nightly-pass')
  handle(): boolean {
    return true;
  }
}

@Injectable()
class TimedPass {
  @Scheduled({ job: 'timed-pass', cron: '* * * * *', scope: 'timed-pass' })
  run(now: Date): Promise<Date> {
    return Promise.resolve(now);
  }
}

async function init(consumed: ConsumedQueues, providers: unknown[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({
    imports: [JobHandlerCheckModule.forRoot(consumed)],
    providers: providers as never[],
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

describe('collectSchedules', () => {
  it('turns declarations into schedules on their queue, with the job name as the repeatable id', () => {
    const { jobs, problems } = collectSchedules([
      { options: { job: 'a', cron: '0 2 * * *', scope: 'a-scope' }, where: 'A.run' },
      {
        options: {
          job: 'b',
          cron: '*/10 * * * *',
          scope: 'b-scope',
          queue: QueueName.Syndication,
          attempts: 1,
        },
        where: 'B.run',
      },
    ]);
    expect(problems).toEqual([]);
    expect(jobs).toEqual([
      {
        job: 'a',
        cron: '0 2 * * *',
        scope: 'a-scope',
        queue: 'maintenance',
        attempts: undefined,
        repeatId: 'a',
        where: 'A.run',
      },
      {
        job: 'b',
        cron: '*/10 * * * *',
        scope: 'b-scope',
        queue: 'syndication',
        attempts: 1,
        repeatId: 'b',
        where: 'B.run',
      },
    ]);
  });

  it("gives the method the time: the caller's, or now when Bull calls it with its Job", async () => {
    const pass = new TimedPass();
    const at = new Date('2026-12-07T12:00:00Z');
    expect(await pass.run(at)).toBe(at);
    const before = Date.now();
    const fromBull = await (pass.run as (job: unknown) => Promise<Date>)({ id: 'repeat:1', data: {} });
    expect(fromBull).toBeInstanceOf(Date);
    expect(fromBull.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('refuses a job name declared twice, naming both declarations', () => {
    const { jobs, problems } = collectSchedules([
      { options: { job: 'a', cron: '0 2 * * *', scope: 's' }, where: 'A.run' },
      { options: { job: 'a', cron: '0 3 * * *', scope: 's', queue: QueueName.Syndication }, where: 'B.run' },
    ]);
    expect(problems).toEqual(['scheduled job "a" is declared twice: A.run, B.run']);
    expect(jobs.map((j) => j.where)).toEqual(['A.run']);
  });

  it('refuses a declaration without a platform scope (or job, or cron)', () => {
    expect(collectSchedules([{ options: { job: 'a', cron: '0 2 * * *' }, where: 'A.run' }]).problems).toEqual(
      ['A.run is @Scheduled without scope'],
    );
    expect(
      collectSchedules([{ options: { job: ' ', cron: '', scope: 'x' }, where: 'B.run' }]).problems,
    ).toEqual(['B.run is @Scheduled without job, cron']);
  });
});

describe('the worker refuses to boot on a bad schedule', () => {
  it('refuses two providers scheduling the same job', async () => {
    await expect(init({}, [NightlyPass, SecondNightlyPass])).rejects.toThrow(
      'scheduled job "nightly-pass" is declared twice: NightlyPass.run, SecondNightlyPass.run',
    );
  });

  it('refuses a schedule without a scope', async () => {
    await expect(init({}, [Unscoped])).rejects.toThrow('Unscoped.run is @Scheduled without scope');
  });

  it('refuses a scheduled job that also has a @Process handler', async () => {
    await expect(init({ maintenance: ['nightly-pass'] }, [NightlyPass, NightlyPassConsumer])).rejects.toThrow(
      'job "nightly-pass" of queue "maintenance" has 2 handlers: NightlyPassConsumer.handle, NightlyPass.run',
    );
  });

  it('refuses a declared scheduled job whose @Scheduled is gone', async () => {
    await expect(init({ maintenance: ['nightly-pass'] }, [])).rejects.toThrow(
      'no handler for job "nightly-pass" of queue "maintenance"',
    );
  });
});
