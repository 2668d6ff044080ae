import { GuardedHttp } from '@ppt/outbound';
import { startFakeOpenImmoFileDrop, type FakeOpenImmoFileDrop } from '@ppt/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenImmoReport } from '../src/openimmo/openimmo-feedback';
import { OpenImmoAdapter, type OpenImmoTarget } from '../src/openimmo/openimmo.adapter';
import { PortalError } from '../src/portal-adapter';
import type { SyndicationListing } from '../src/syndication-listing';
import { aListing, aPhoto } from './listing-fixture';
import { feedbackSchemaErrors, openImmoSchemaErrors } from './openimmo-schema';

// No double quote in the password: ftp-srv strips quotes from every command line (its quirk, not FTP's).
const LOGIN = { username: 'makler-4711', password: 'geheim&<pass> 1' };

function germanListing(overrides: Partial<SyndicationListing> = {}): SyndicationListing {
  return aListing({
    title: 'Helle 3-Zimmer-Wohnung mit Balkon',
    description: 'Ruhige Lage, frisch renoviert, Einbauküche, Keller und Aufzug. Nahe U-Bahn und Park.',
    priceAmount: 45_000_050,
    currency: 'EUR',
    address: {
      line: 'Hauptstraße 5a',
      city: 'München',
      region: 'Bayern',
      postalCode: '80331',
      country: 'DE',
    },
    photos: [aPhoto(3000), aPhoto(6000), aPhoto(4500)],
    ...overrides,
  });
}

describe.each(['ftp', 'sftp'] as const)('OpenImmo over %s against a local import server', (protocol) => {
  // The import server listens on loopback: allow-listed explicitly, as in every local setup.
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const adapter = new OpenImmoAdapter(http);
  let drop: FakeOpenImmoFileDrop;
  let target: OpenImmoTarget;

  beforeAll(async () => {
    drop = await startFakeOpenImmoFileDrop({ protocol, ...LOGIN });
  });
  afterAll(async () => {
    await drop.close();
    await http.close();
  });
  beforeEach(async () => {
    drop.objects.clear();
    drop.transfers.length = 0;
    await drop.processUploads();
    await adapter.readReports(targetFor(drop), async () => undefined);
    target = targetFor(drop);
  });

  function targetFor(
    server: FakeOpenImmoFileDrop,
    overrides: Partial<OpenImmoTarget['options']> = {},
  ): OpenImmoTarget {
    return {
      organizationId: 'org-1',
      credentials: LOGIN,
      options: {
        endpoint: server.endpoint,
        reportsPath: server.reportsPath,
        ...(server.hostKeySha256 ? { hostKeySha256: server.hostKeySha256 } : {}),
        providerId: 'P-100',
        providerName: 'Muster Immobilien GmbH',
        technicalEmail: 'tech@ppt.example',
        ...overrides,
      },
    };
  }

  it('publish drops one complete ZIP in the upload folder; the portal imports it with every photo', async () => {
    const listing = germanListing();
    const advert = await adapter.publish(listing, target);

    expect(advert).toEqual({ externalId: listing.id, url: null });
    const uploads = await drop.uploads();
    expect(uploads).toHaveLength(1);
    // Never a partial file where the import job could see it.
    expect(uploads[0]).toMatch(/^P-100-\d{8}T\d{9}Z-TEIL-[0-9a-f]{8}\.zip$/);

    const [answer] = await drop.processUploads();
    expect(answer.status).toBe(200);
    const object = drop.objects.get(listing.id);
    expect(object).toMatchObject({ title: listing.title, price: 450000.5, lastAction: 'CHANGE' });
    expect(object?.photos.map((p) => p.sizeBytes)).toEqual([3000, 6000, 4500]);
    expect(await openImmoSchemaErrors(drop.transfers[0].xml)).toEqual([]);
  });

  it('remove sends a TEIL DELETE and fullTransfer a VOLL that replaces the set', async () => {
    const [a, b, c] = [germanListing(), germanListing(), germanListing()];
    await adapter.publish(a, target);
    await adapter.publish(b, target);
    await drop.processUploads();
    await adapter.remove(
      { listingId: a.id, organizationId: a.organizationId, externalId: a.id, version: 2, listing: a },
      target,
    );
    await drop.processUploads();
    expect([...drop.objects.keys()]).toEqual([b.id]);

    await adapter.fullTransfer([c], target);
    await drop.processUploads();
    expect([...drop.objects.keys()]).toEqual([c.id]);
    expect(drop.transfers.map((t) => [t.umfang, t.modus, t.status])).toEqual([
      ['TEIL', 'CHANGE', 200],
      ['TEIL', 'CHANGE', 200],
      ['TEIL', 'DELETE', 200],
      ['VOLL', 'NEW', 200],
    ]);
    for (const transfer of drop.transfers) expect(await openImmoSchemaErrors(transfer.xml)).toEqual([]);
  });

  it("reads the portal's import reports back (errors and inquiries), deleting each only after it was applied", async () => {
    const listing = germanListing();
    await adapter.publish(listing, target);
    // A DELETE of an object the portal does not have: its import job reports an error for it.
    await adapter.remove(
      { listingId: 'gone', organizationId: 'org-1', externalId: 'gone', version: 1 },
      target,
    );
    await drop.processUploads([
      {
        obid: listing.id,
        inquiryId: 'int-1',
        firstName: 'Max',
        lastName: 'Interessent',
        email: 'max@example.org',
        phone: '+49 30 1234',
        message: 'Ist die Wohnung noch frei?',
      },
    ]);
    const files = await drop.reports();
    expect(files).toHaveLength(2);
    for (const name of files)
      expect(await feedbackSchemaErrors(await readFile(join(drop.root, 'reports', name), 'utf8'))).toEqual(
        [],
      );

    // The first apply fails: nothing is deleted, so the next read sees the same reports again.
    await expect(
      adapter.readReports(target, async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await drop.reports()).toEqual(files);

    const seen: OpenImmoReport[] = [];
    // At most one report per pass here: the second waits for the next pass, oldest first.
    expect(await adapter.readReports(target, async (report) => void seen.push(report), 1)).toEqual({
      applied: 1,
      skipped: 0,
      deferred: 1,
    });
    expect(await drop.reports()).toEqual(files.slice(1));
    expect(await adapter.readReports(target, async (report) => void seen.push(report))).toEqual({
      applied: 1,
      skipped: 0,
      deferred: 0,
    });
    expect(await drop.reports()).toEqual([]);
    expect(seen.map((r) => r.fileName)).toEqual(files);
    expect(seen[0]).toMatchObject({
      providerId: 'P-100',
      errors: [],
      inquiries: [
        {
          objectId: listing.id,
          inquiryId: 'int-1',
          name: 'Max Interessent',
          email: 'max@example.org',
          phone: '+49 30 1234',
          message: 'Ist die Wohnung noch frei?',
        },
      ],
    });
    expect(seen[1].errors).toEqual([{ objectId: 'gone', code: 404, text: 'Objekt unbekannt: gone' }]);
  });

  it('a file in the reports folder that is not a report is left there and counted', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(drop.root, 'reports', 'notes.xml'), '<hello/>');
    expect(await adapter.readReports(target, async () => undefined)).toEqual({
      applied: 0,
      skipped: 1,
      deferred: 0,
    });
    expect(await drop.reports()).toEqual(['notes.xml']);
    const { unlink } = await import('node:fs/promises');
    await unlink(join(drop.root, 'reports', 'notes.xml'));
  });

  it('a wrong password is INVALID_LOGIN and not retried', async () => {
    const wrong = { ...target, credentials: { ...LOGIN, password: 'falsch' } };
    const error = await adapter.publish(germanListing(), wrong).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PortalError);
    expect(error).toMatchObject({ code: 'INVALID_LOGIN', retryable: false });
    expect(await drop.uploads()).toEqual([]);
  });

  it('an import server on an address the guarded agent refuses is never contacted', async () => {
    const strict = new OpenImmoAdapter(new GuardedHttp());
    await expect(strict.publish(germanListing(), target)).rejects.toMatchObject({
      code: 'ENDPOINT_NOT_ALLOWED',
      retryable: false,
    });
    // A name that resolves to loopback is refused at connect time too.
    const byName = targetFor(drop, { endpoint: drop.endpoint.replace('127.0.0.1', 'localhost') });
    await expect(strict.publish(germanListing(), byName)).rejects.toMatchObject({
      code: 'ENDPOINT_NOT_ALLOWED',
    });
    expect(await drop.uploads()).toEqual([]);
  });

  it('a server that does not answer is retryable', async () => {
    const closed = targetFor(drop, { endpoint: `${protocol}://127.0.0.1:1/import`, timeoutMs: 2000 });
    await expect(adapter.publish(germanListing(), closed)).rejects.toMatchObject({
      code: 'PORTAL_UNAVAILABLE',
      retryable: true,
    });
  });

  if (protocol === 'sftp') {
    it('SFTP: a host key other than the pinned one is refused before the password is sent', async () => {
      const impostor = targetFor(drop, {
        hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      await expect(adapter.publish(germanListing(), impostor)).rejects.toMatchObject({
        code: 'PORTAL_REJECTED',
        retryable: false,
      });
      const unpinned = targetFor(drop, { hostKeySha256: undefined });
      await expect(adapter.publish(germanListing(), unpinned)).rejects.toMatchObject({
        code: 'INVALID_DATA',
        retryable: false,
      });
      expect(await drop.uploads()).toEqual([]);
    });
  }
});
