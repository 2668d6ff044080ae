import { Process, Processor } from '@nestjs/bull';
import { Test } from '@nestjs/testing';
import { JobHandlerCheckModule, type ConsumedQueues } from './job-handler-check';
import { QueueName } from './queue-names';

@Processor(QueueName.Maintenance)
class NightlyJobs {
  @Process('cleanup')
  cleanup(): boolean {
    return true;
  }

  @Process('report')
  report(): boolean {
    return true;
  }
}

@Processor(QueueName.Maintenance)
class SecondCleanup {
  @Process('cleanup')
  cleanup(): boolean {
    return true;
  }
}

@Processor(QueueName.Syndication)
class StrayProcessor {
  @Process('publish')
  publish(): boolean {
    return true;
  }
}

@Processor(QueueName.PortalFeed)
class EveryEvent {
  @Process('*')
  any(): boolean {
    return true;
  }
}

async function init(consumed: ConsumedQueues, providers: unknown[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({
    imports: [JobHandlerCheckModule.forRoot(consumed)],
    providers: providers as never[],
  }).compile();
  await moduleRef.init();
  await moduleRef.close();
}

describe('JobHandlerCheckModule', () => {
  it('starts when every declared job has exactly one handler', async () => {
    await expect(init({ maintenance: ['cleanup', 'report'] }, [NightlyJobs])).resolves.toBeUndefined();
    await expect(init({ 'portal-feed': ['a.created', 'b.deleted'] }, [EveryEvent])).resolves.toBeUndefined();
  });

  it('refuses a declared job nobody handles', async () => {
    await expect(init({ maintenance: ['cleanup', 'report', 'vacuum'] }, [NightlyJobs])).rejects.toThrow(
      'no handler for job "vacuum" of queue "maintenance"',
    );
  });

  it('refuses a job with two handlers, naming both', async () => {
    await expect(init({ maintenance: ['cleanup', 'report'] }, [NightlyJobs, SecondCleanup])).rejects.toThrow(
      'job "cleanup" of queue "maintenance" has 2 handlers: NightlyJobs.cleanup, SecondCleanup.cleanup',
    );
  });

  it('refuses handlers for undeclared jobs and processors of undeclared queues', async () => {
    await expect(init({ maintenance: ['cleanup'] }, [NightlyJobs])).rejects.toThrow(
      'NightlyJobs.report handles "report", which is not a job of queue "maintenance"',
    );
    await expect(init({ maintenance: ['cleanup', 'report'] }, [NightlyJobs, StrayProcessor])).rejects.toThrow(
      'StrayProcessor.publish processes queue "syndication", which this worker does not declare',
    );
  });
});
