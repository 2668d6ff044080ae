// Memory of an OpenImmo full transfer (VOLL): 1,000 listings × 20 photos (BENCH_OPENIMMO_LISTINGS,
// BENCH_OPENIMMO_PHOTOS, BENCH_OPENIMMO_PHOTO_KB) packed into one ZIP and dropped on a local import
// server (FTP by default, BENCH_OPENIMMO_PROTOCOL=sftp for SFTP) in this process. Every photo's bytes
// are generated when the exporter reads it, as a storage driver would deliver them. RSS is sampled
// every 20 ms; the growth over the warmed-up baseline must stay ≤ 128 MiB (exit 1 otherwise).
// Loopback only; not a test.
//   npm run bench:openimmo
import { GuardedHttp } from '@ppt/outbound';
import { OpenImmoAdapter, type SyndicationListing } from '@ppt/syndication';
import { startFakeOpenImmoFileDrop } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const LISTINGS = Number(process.env.BENCH_OPENIMMO_LISTINGS ?? 1000);
const PHOTOS = Number(process.env.BENCH_OPENIMMO_PHOTOS ?? 20);
const PHOTO_BYTES = Number(process.env.BENCH_OPENIMMO_PHOTO_KB ?? 100) * 1024;
const PROTOCOL = (process.env.BENCH_OPENIMMO_PROTOCOL ?? 'ftp') as 'ftp' | 'sftp';
const LIMIT_MIB = 128;

function photoBytes(seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(PHOTO_BYTES);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((seed * 2654435761 + i) >>> 0, i);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

function listing(n: number): SyndicationListing {
  const id = randomUUID();
  return {
    id,
    organizationId: 'bench-org',
    version: 1,
    status: 'published',
    publishedAt: new Date().toISOString(),
    transaction: 'sale',
    propertyType: 'apartment',
    title: `Helle Wohnung ${n}`,
    description: 'Ruhige Lage, frisch renoviert, Einbauküche, Keller und Aufzug. Nahe U-Bahn und Park.',
    priceAmount: 45_000_000 + n,
    currency: 'EUR',
    areaM2: 70,
    rooms: 3,
    floor: 2,
    energyClass: 'C',
    features: ['Balkon'],
    address: { line: `Torstraße ${n}`, city: 'Berlin', region: 'Berlin', postalCode: '10119', country: 'DE' },
    latitude: 52.53,
    longitude: 13.4,
    photos: Array.from({ length: PHOTOS }, (_, i) => ({
      id: `${id}-${i}`,
      contentType: 'image/jpeg',
      sizeBytes: PHOTO_BYTES,
      url: `https://pm.example/photos/${id}/${i}`,
      read: async () => photoBytes(n * PHOTOS + i),
    })),
    contact: { id: 'realtor-1', name: 'Erika Mustermann', email: 'erika@makler.example', phone: null },
  };
}

async function main(): Promise<void> {
  const login = { username: 'bench', password: 'bench password' };
  const drop = await startFakeOpenImmoFileDrop({ protocol: PROTOCOL, ...login });
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const adapter = new OpenImmoAdapter(http);
  const target = {
    organizationId: 'bench-org',
    credentials: login,
    options: {
      endpoint: drop.endpoint,
      ...(drop.hostKeySha256 ? { hostKeySha256: drop.hostKeySha256 } : {}),
      providerId: 'BENCH',
      providerName: 'Bench Immobilien',
      technicalEmail: 'bench@example.com',
      timeoutMs: 120_000,
    },
  };
  try {
    // Warm-up: code paths, connections, buffers of a small transfer are in the baseline.
    await adapter.fullTransfer([listing(0), listing(1)], target);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const listings = Array.from({ length: LISTINGS }, (_, i) => listing(i + 2));
    const started = Date.now();
    await adapter.fullTransfer(listings, target);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const uploads = (await drop.uploads()).filter((name) => name.endsWith('.zip'));
    const sizes = await Promise.all(uploads.map((name) => stat(join(drop.root, 'import', name))));
    const zipBytes = sizes.reduce((sum, s) => sum + s.size, 0);
    const growthMiB = (peak - baseline) / MiB;
    console.log(
      JSON.stringify(
        {
          protocol: PROTOCOL,
          listings: LISTINGS,
          photosPerListing: PHOTOS,
          photoKiB: PHOTO_BYTES / 1024,
          zipMiB: Math.round(zipBytes / MiB),
          seconds: Math.round(seconds * 10) / 10,
          baselineRssMiB: Math.round(baseline / MiB),
          peakRssMiB: Math.round(peak / MiB),
          rssGrowthMiB: Math.round(growthMiB * 10) / 10,
          limitMiB: LIMIT_MIB,
          ok: growthMiB <= LIMIT_MIB,
        },
        null,
        2,
      ),
    );
    if (growthMiB > LIMIT_MIB) process.exitCode = 1;
  } finally {
    await http.close();
    await drop.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
