import { CoreEnv, validateEnv } from '@ppt/config';
import { TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import { register, type Histogram } from 'prom-client';
import { commandLabel } from './redis-metrics';
import { RedisConnections } from './redis-connections';

/** Samples of redis_command_duration_seconds for `command` so far. */
async function commandCount(command: string): Promise<number> {
  const histogram = register.getSingleMetric('redis_command_duration_seconds') as Histogram | undefined;
  const metric = await histogram?.get();
  const sample = metric?.values.find(
    (v) => v.metricName === 'redis_command_duration_seconds_count' && v.labels.command === command,
  );
  return sample?.value ?? 0;
}

describe('redis_command_duration_seconds', () => {
  const keys = testRedisPrefix();
  const connections = new RedisConnections(
    validateEnv(CoreEnv, { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: keys.prefix }),
  );
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await keys.cleanup();
  });

  it("times the shared clients' commands once each (the first waits for the connection), pipelines included, by lower-case name", async () => {
    const client = connections.get('metrics-check');
    const [sets, gets, incrs] = await Promise.all(['set', 'get', 'incr'].map(commandCount));
    await client.set('k', '1');
    await client.call('GET', 'k');
    await client.pipeline().incr('n').incr('n').exec();
    expect(await commandCount('set')).toBe(sets + 1);
    expect(await commandCount('get')).toBe(gets + 1);
    expect(await commandCount('incr')).toBe(incrs + 2);
  });

  it('times a failed command too, and gives a name ioredis does not know the fixed label "other"', async () => {
    const client = connections.get('metrics-check');
    const others = await commandCount('other');
    await expect(client.call('NOSUCHCOMMAND', 'x')).rejects.toThrow(/unknown command/i);
    expect(await commandCount('other')).toBe(others + 1);
    expect(await commandCount('nosuchcommand')).toBe(0);
    expect(commandLabel('XADD')).toBe('xadd');
    expect(commandLabel(`evil-${'x'.repeat(10)}`)).toBe('other');
  });

  it('leaves connections the caller owns (blocking readers, subscribers, Bull) untimed', async () => {
    const own = connections.create('metrics-owned');
    const pings = await commandCount('ping');
    await own.ping();
    expect(await commandCount('ping')).toBe(pings);
    await connections.get('metrics-check').ping();
    expect(await commandCount('ping')).toBe(pings + 1);
  });
});
