// Writes `listing.published` events into the outbox at a steady rate (BENCH_OUTBOX_RATE per second),
// each in its own committed transaction in the organisation's scope (OutboxWriter, as a request that
// publishes a listing does), as api-server's role, until the parent sends `stop`; answers with how
// many it wrote (tools/bench/queues.mjs starts it).
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PM_ENTITIES } from '@ppt/api-db';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { DatabaseModule, TenantTransactions } from '@ppt/db';
import { EventsModule, OutboxWriter } from '@ppt/events';
import { randomUUID } from 'node:crypto';

const RATE = Number(process.env.BENCH_OUTBOX_RATE ?? 200);
const organizationId = process.env.BENCH_ORGANIZATION_ID as string;
const env = validateEnv(CoreEnv, {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: process.env.DATABASE_URL,
  // Room for the writes in flight at the higher rates.
  DB_POOL_MAX: '20',
});

@Module({
  imports: [
    AppConfigModule.forRoot(env),
    DatabaseModule.forRoot({ applicationName: 'api-server', entities: PM_ENTITIES }),
    EventsModule,
  ],
})
class BenchWriterModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(BenchWriterModule, { logger: ['error', 'warn'] });
  const tx = app.get(TenantTransactions);
  const writer = app.get(OutboxWriter);
  const write = () =>
    tx.run({ organizationId }, (m) => {
      const listingId = randomUUID();
      return writer.write(m, {
        type: 'listing.published',
        organizationId,
        aggregateId: listingId,
        aggregateVersion: 1,
        payload: {
          listingId,
          status: 'published',
          transaction: 'rent',
          propertyType: 'apartment',
          title: 'Slunný byt 2+kk na Vinohradech',
          description: 'Byt po rekonstrukci, balkon, sklep.',
          priceAmount: 2450000,
          currency: 'CZK',
          areaM2: 54,
          rooms: 2,
          floor: 3,
          energyClass: 'C',
          features: ['balcony', 'cellar'],
          addressLine: 'Slezská 12',
          city: 'Praha',
          region: 'Hlavní město Praha',
          postalCode: '120 00',
          country: 'CZ',
          latitude: 50.0755,
          longitude: 14.4378,
          photoDocumentIds: [],
          contactUserId: null,
          publishedAt: new Date().toISOString(),
        },
      });
    });
  let written = 0;
  let started = 0;
  let failed = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  process.on('message', (message: string) => {
    if (message === 'start') {
      const startedAt = Date.now();
      timer = setInterval(() => {
        const due = Math.floor(((Date.now() - startedAt) / 1000) * RATE) - started;
        // No more writes in flight than the pool has connections: the rest would only queue in the pool.
        for (let i = 0; i < due && inFlight < 20; i++) {
          started++;
          inFlight++;
          void write()
            .then(() => written++)
            .catch((err: Error) => {
              failed++;
              process.stderr.write(`write failed: ${err.message}\n`);
            })
            .finally(() => inFlight--);
        }
      }, 5);
    } else if (message === 'stop') {
      clearInterval(timer);
      const finish = () =>
        inFlight > 0
          ? setTimeout(finish, 20)
          : process.send?.({ written, failed }, () => void app.close().finally(() => process.exit(0)));
      finish();
    }
  });
  process.send?.('ready');
})();
