import { eventually } from '@ppt/testing';
import type Bull from 'bull';
import { testQueues } from '../test/queues';
import { JobWaitTimeout, waitForJob } from './wait-for-job';

describe('waitForJob (real Redis)', () => {
  const queue = testQueues();

  it("is not settled by a late event of an earlier job under the same id, as Bull's finished() is", async () => {
    const q = queue('wait-late-event');
    const job = await q.add({ n: 1 }, { jobId: 'reused' }); // no worker yet: it waits
    const plain = job.finished();
    const waited = waitForJob<{ doubled: number }>(job, 10_000);
    // What reaches a waiter when the earlier job under this id failed just before it was added again.
    await eventually(() => q.listenerCount('global:failed') >= 1); // finished() is listening
    q.emit('global:failed', 'reused', 'the earlier job failed');
    await expect(plain).rejects.toThrow('the earlier job failed');

    void q.process(async (j: Bull.Job<{ n: number }>) => ({ doubled: j.data.n * 2 }));
    await expect(waited).resolves.toEqual({ doubled: 2 });
  });

  it('returns the return value of a job that completes between reading it and reading its state', async () => {
    const q = queue('wait-completes-between');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void q.process(async () => {
      await gate;
      return [{ listingId: 'a' }];
    });
    const job = await q.add({}, { jobId: 'between' });
    await eventually(async () => (await job.getState()) === 'active');
    // The first read gets the job while it runs; it completes before its state is read.
    const getJob = q.getJob.bind(q);
    let reads = 0;
    q.getJob = (async (id: Bull.JobId) => {
      const copy = await getJob(id);
      if (reads++ === 0) {
        release();
        await eventually(async () => (await copy?.getState()) === 'completed');
      }
      return copy;
    }) as typeof q.getJob;
    await expect(waitForJob(job, 10_000)).resolves.toEqual([{ listingId: 'a' }]);
  });

  it("reports the job's own failure with its reason", async () => {
    const q = queue('wait-failure');
    void q.process(async () => {
      throw new Error('read model unavailable');
    });
    const job = await q.add({}, { jobId: 'failing' });
    await expect(waitForJob(job, 10_000)).rejects.toThrow('read model unavailable');
  });

  it('gives up after its time with JobWaitTimeout, the job left to run', async () => {
    const q = queue('wait-timeout'); // no worker
    const job = await q.add({}, { jobId: 'slow' });
    await expect(waitForJob(job, 200)).rejects.toBeInstanceOf(JobWaitTimeout);
    expect(await job.getState()).toBe('waiting');
  });
});
