import { eventually } from '@ppt/testing';
import type Bull from 'bull';
import { testQueues } from '../test/queues';
import { addFresh } from './add-fresh';

describe('addFresh (real Redis)', () => {
  const queue = testQueues();

  it('runs a job again under an id whose earlier job finished (a plain add would be swallowed)', async () => {
    const q = queue('fresh-finished');
    const runs: string[] = [];
    void q.process(async (job: Bull.Job<{ fail: boolean }>) => {
      runs.push(String(job.id));
      if (job.data.fail) throw new Error('refused');
    });
    await q.add({ fail: false }, { jobId: 'a', removeOnComplete: false });
    await eventually(async () => (await (await q.getJob('a'))?.isCompleted()) ?? false);
    await q.add({ fail: false }, { jobId: 'a' });
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toEqual(['a']); // what Bull does with a kept id

    await addFresh(q, '__default__', { fail: false }, { jobId: 'a' });
    await eventually(() => runs.length === 2);

    await q.add({ fail: true }, { jobId: 'b', removeOnFail: false });
    await eventually(async () => (await (await q.getJob('b'))?.isFailed()) ?? false);
    await addFresh(q, '__default__', { fail: false }, { jobId: 'b' });
    await eventually(async () => (await (await q.getJob('b'))?.isCompleted()) ?? false);
    expect(runs).toEqual(['a', 'a', 'b', 'b']);
  });

  it('leaves a job that still waits under the id alone', async () => {
    const q = queue('fresh-waiting'); // no worker: jobs wait
    const first = await q.add({ n: 1 }, { jobId: 'c' });
    await addFresh(q, '__default__', { n: 2 }, { jobId: 'c' });
    expect(await q.getWaitingCount()).toBe(1);
    expect((await q.getJob('c'))?.data).toEqual(first.data);
  });
});
