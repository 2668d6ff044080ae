import { getQueueToken } from '@nestjs/bull';
import { QueueName, SyndicationJob } from '@ppt/queue';
import {
  eventually,
  sampleJpeg,
  startFakeOpenImmoFileDrop,
  startMailCatcher,
  type FakeOpenImmoFileDrop,
  type MailCatcher,
} from '@ppt/testing';
import type { Queue } from 'bull';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { OpenImmoReportsSummary } from '@ppt/api-marketing-core';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';
import { IN_BERLIN, OI } from './syndication-fixtures';

/**
 * OpenImmo as ImmoScout24 and immowelt take it: the worker drops the transfer ZIP on the portal's
 * SFTP import server (a real SSH server on loopback), the portal imports it later and leaves an
 * import report, and the report job reads it back (refused adverts, inquiries).
 */
describe('OpenImmo over SFTP end to end (worker, import server, import reports)', () => {
  let env: DocumentsServer;
  let drop: FakeOpenImmoFileDrop;
  let mail: MailCatcher;
  let org: { id: string; adminToken: string };
  let queue: Queue;
  const http = () => env.http();
  let runs = 0;

  const statusOf = async (listingId: string) =>
    (
      await request(http())
        .get(`/api/v1/syndication/status?listingId=${listingId}&portal=openimmo`)
        .set(bearer(org.adminToken))
        .expect(200)
    ).body.items[0] as { status: string; lastErrorCode: string | null; lastError: string | null } | undefined;
  const settled = (listingId: string, status: string) =>
    eventually(async () => {
      const row = await statusOf(listingId);
      return row?.status === status ? row : undefined;
    }, 30_000);
  const readReports = async (): Promise<OpenImmoReportsSummary> => {
    const job = await queue.add(SyndicationJob.ReadPortalReports, {}, { jobId: `reports-test-${++runs}` });
    return (await job.finished()) as OpenImmoReportsSummary;
  };

  async function publishGerman(title: string): Promise<string> {
    const photo = (
      await uploadDocument(http(), org.adminToken, sampleJpeg(4096), 'room.jpg', {
        category: 'photo',
      }).expect(201)
    ).body.id;
    const id = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(org.adminToken))
        .send({
          transaction: 'sale',
          propertyType: 'apartment',
          title,
          description: 'Helle Wohnung im dritten Stock mit Balkon und Keller, fünf Minuten zur Tram.',
          areaM2: 78,
          rooms: 3,
          photoDocumentIds: [photo],
          ...IN_BERLIN,
        })
        .expect(201)
    ).body.id as string;
    await request(http())
      .post(`/api/v1/listings/${id}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'published' })
      .expect(200);
    return id;
  }

  beforeAll(async () => {
    drop = await startFakeOpenImmoFileDrop({ protocol: 'sftp', ...OI });
    mail = await startMailCatcher();
    env = await bootDocumentsServer({
      worker: true,
      env: {
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: mail.url,
        APP_PUBLIC_URL: 'https://app.example.test',
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNDICATION_BACKOFF_MS: '20',
        SYNDICATION_JOB_ATTEMPTS: '2',
        SYNDICATION_PORTAL_TIMEOUT_MS: '10000',
      },
    });
    queue = env.worker!.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    org = await createOrganization(http(), await registerAndLogin(http(), 'oi-sftp'), 'Berliner Immobilien');
    await request(http())
      .put('/api/v1/syndication/portals/reality-portal')
      .set(bearer(org.adminToken))
      .send({ enabled: false })
      .expect(200);
    await request(http())
      .put('/api/v1/syndication/portals/openimmo')
      .set(bearer(org.adminToken))
      .send({
        credentials: OI,
        options: {
          endpoint: drop.endpoint,
          reportsPath: drop.reportsPath,
          hostKeySha256: drop.hostKeySha256,
          providerId: 'P-9',
          providerName: 'Berliner Immobilien',
          technicalEmail: 'it@berlin.example',
        },
      })
      .expect(200);
  }, 90_000);
  afterAll(async () => {
    await env?.close();
    await drop?.close();
    await mail?.close();
  });

  it('publishes by dropping the ZIP on the SFTP server; the report job applies a refusal and an inquiry, once', async () => {
    const good = await publishGerman('Helle 3-Zimmer-Wohnung mit Balkon');
    const refused = await publishGerman('Altbauwohnung am Park');
    await settled(good, 'active');
    await settled(refused, 'active');
    expect((await drop.uploads()).filter((n) => n.endsWith('.zip'))).toHaveLength(2);

    // The portal imports both; it refuses one afterwards (as its own checks would) and reports a lead.
    await drop.processUploads([
      {
        obid: good,
        inquiryId: 'is24-lead-1',
        firstName: 'Max',
        lastName: 'Interessent',
        email: 'max@example.org',
        message: 'Ist die Wohnung noch frei?',
      },
    ]);
    expect([...drop.objects.keys()].sort()).toEqual([good, refused].sort());
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await writeFile(
      join(drop.root, 'reports', 'zz-refusal.xml'),
      `<?xml version="1.0" encoding="UTF-8"?><openimmo_feedback><version>1.2.5</version><sender><name>Portal</name>` +
        `<datum>2026-12-07</datum><makler_id>P-9</makler_id></sender><fehlerliste><fehler><objekt_id>${refused}</objekt_id>` +
        `<fehlernr>31</fehlernr><text>Objekt verstößt gegen Richtlinie &lt;b&gt;X&lt;/b&gt;</text></fehler></fehlerliste></openimmo_feedback>`,
    );

    const first = await readReports();
    expect(first).toMatchObject({
      organizations: 1,
      applied: 3,
      skipped: 0,
      refused: 1,
      inquiries: 1,
      failed: [],
    });
    expect(await drop.reports()).toEqual([]);

    const row = await statusOf(refused);
    expect(row).toMatchObject({ status: 'failed', lastErrorCode: 'PORTAL_REJECTED' });
    // Our own status line: the portal's text stays in the worker's log.
    expect(row?.lastError).toBe('OpenImmo import report: error 31');
    expect((await statusOf(good))?.status).toBe('active');

    const inquiries = (
      await request(http()).get(`/api/v1/listings/${good}/inquiries`).set(bearer(org.adminToken)).expect(200)
    ).body;
    const items = (inquiries.items ?? inquiries) as { name: string; email: string; message: string }[];
    expect(items).toEqual([
      expect.objectContaining({
        name: 'Max Interessent',
        email: 'max@example.org',
        message: 'Ist die Wohnung noch frei?',
      }),
    ]);

    // Lead routing: the listing's realtor (its contact, here the admin who created it) hears of it
    // in-app and by e-mail, with the listing and the visitor's contact.
    const notifications = async () =>
      (await request(http()).get('/api/v1/notifications').set(bearer(org.adminToken)).expect(200)).body
        .items as { type: string; title: string; body: string; link: string }[];
    expect(await notifications()).toEqual([
      expect.objectContaining({
        type: 'listing_inquiry',
        title: 'New inquiry: Helle 3-Zimmer-Wohnung mit Balkon',
        body: expect.stringContaining('max@example.org'),
        link: `listings/${good}/inquiries`,
      }),
    ]);
    const leadMail = await mail.waitFor(
      (m) => m.subject === 'New inquiry: Helle 3-Zimmer-Wohnung mit Balkon',
      15_000,
    );
    expect(leadMail.text).toContain('Max Interessent');
    expect(leadMail.text).toContain('max@example.org');
    expect(leadMail.text).toContain('Ist die Wohnung noch frei?');
    expect(leadMail.text).toContain(`https://app.example.test/listings/${good}/inquiries`);

    // The portal delivers the same lead again in a later report: stored once.
    await publishGerman('Dritte Wohnung');
    await eventually(
      async () => ((await drop.uploads()).some((n) => n.endsWith('.zip')) ? true : undefined),
      30_000,
    );
    await drop.processUploads([
      {
        obid: good,
        inquiryId: 'is24-lead-1',
        firstName: 'Max',
        lastName: 'Interessent',
        email: 'max@example.org',
        message: 'Ist die Wohnung noch frei?',
      },
    ]);
    expect(await readReports()).toMatchObject({ applied: 1, inquiries: 0, refused: 0 });

    // The same visitor writes again the same day (a new inquiry id): kept, but folded into the lead
    // the realtor already has: no second notification, no second e-mail.
    await publishGerman('Vierte Wohnung');
    await eventually(
      async () => ((await drop.uploads()).some((n) => n.endsWith('.zip')) ? true : undefined),
      30_000,
    );
    await drop.processUploads([
      {
        obid: good,
        inquiryId: 'is24-lead-2',
        firstName: 'Max',
        lastName: 'Interessent',
        email: 'MAX@example.org',
        message: 'Und wann kann ich sie besichtigen?',
      },
    ]);
    expect(await readReports()).toMatchObject({ applied: 1, inquiries: 1 });
    const all = (
      await request(http()).get(`/api/v1/listings/${good}/inquiries`).set(bearer(org.adminToken)).expect(200)
    ).body.items as unknown[];
    expect(all).toHaveLength(2);
    expect(await notifications()).toHaveLength(1);
    // The e-mail goes out only for a lead event, and there is still just the one.
    const leadEvents = await asOwner(
      env.server,
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM outbox WHERE organization_id = $1 AND type = 'listing.inquiry_received'`,
            [org.id],
          )
        ).rows[0].n as number,
    );
    expect(leadEvents).toBe(1);
    expect(mail.messages.filter((m) => m.subject?.startsWith('New inquiry:'))).toHaveLength(1);
  });

  it('the report job is scheduled every 10 minutes', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(
      repeatable.filter((j) => j.name === SyndicationJob.ReadPortalReports).map((j) => [j.cron, j.tz]),
    ).toEqual([['*/10 * * * *', 'UTC']]);
  });
});
