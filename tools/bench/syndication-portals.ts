// Started by tools/bench/syndication.mjs (not a test): the local Sreality and webhook portal servers
// of libs/testing with a little latency, a second webhook portal that hangs (BENCH_HANG_MS, 30 s, per
// call) for the run with one portal hanging, plus a tiny /stats endpoint so the bench can check what
// the portals hold. Prints one JSON line with the URLs, then runs until SIGTERM.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleJpeg, startFakeSrealityPortal, startFakeWebhookPortal } from '@ppt/testing';

async function main(): Promise<void> {
  const latencyMs = Number(process.env.BENCH_PORTAL_LATENCY_MS ?? 10);
  const account = { clientId: 7777, password: 'bench password', softwareKey: 'bench-key' };
  const secret = `whsec_${Buffer.from('bench webhook secret, 32 bytes!!').toString('base64')}`;
  const sreality = await startFakeSrealityPortal([account], { latencyMs });
  const webhook = await startFakeWebhookPortal([secret], { latencyMs });
  const hanging = await startFakeWebhookPortal([secret], {
    latencyMs: Number(process.env.BENCH_HANG_MS ?? 30_000),
  });
  const stats = createServer((_req, res) => {
    const adverts = [...sreality.adverts.values()];
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        sreality: {
          adverts: adverts.length,
          photos: adverts.reduce((n, a) => n + a.photos.length, 0),
          calls: sreality.calls.length,
        },
        webhook: { listings: webhook.listings.size, deliveries: webhook.deliveries.length },
        hanging: { maxOpen: hanging.maxOpen, deliveries: hanging.deliveries.length },
      }),
    );
  });
  await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
  process.stdout.write(
    JSON.stringify({
      sreality: { url: sreality.url, credentials: account },
      webhook: { url: webhook.url, secret },
      hanging: { url: hanging.url },
      stats: `http://127.0.0.1:${(stats.address() as AddressInfo).port}/stats`,
      photo: sampleJpeg(20_000).toString('base64'),
    }) + '\n',
  );
  process.once('SIGTERM', () => {
    stats.close();
    void Promise.all([sreality.close(), webhook.close(), hanging.close()]).then(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
