import { getQueueToken } from '@nestjs/bull';
import { ALL_QUEUES, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { bootApiServer, type BootedApiServer } from './boot';
import { makePlatformAdmin, PASSWORD, registerAndLogin, type TestUser } from './identity';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH points at another Chromium or Chrome. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Each wait on the page; well under Jest's 30 s so a missing element fails with its own message. */
const UI_TIMEOUT_MS = 10_000;
const HOUR_MS = 60 * 60 * 1000;

/** Jobs the worker would pick up later: delayed, so they stay in one status while the board is read. */
const SYNC_JOBS = [
  { listingId: 'listing-101', portal: 'sreality' },
  { listingId: 'listing-101', portal: 'bezrealitky' },
  { listingId: 'listing-202', portal: 'idnes-reality' },
].map((data) => ({ id: `portal-sync:${data.listingId}:${data.portal}`, name: 'portal-sync', data }));

describe('Bull Board in a browser (/admin/queues)', () => {
  let server: BootedApiServer;
  let browser: Browser | undefined;
  let baseUrl: string;
  let operator: TestUser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `This test drives Chromium at ${CHROMIUM}, which is not installed. Install it (Debian/Ubuntu: ` +
          '`sudo apt-get install -y chromium`; `npm test` and .ci/run install it themselves when run as root) ' +
          'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      );
    }
    server = await bootApiServer();
    await server.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.app.getHttpServer().address() as AddressInfo).port}`;

    operator = await registerAndLogin(server.app.getHttpServer(), 'operator');
    await makePlatformAdmin(server, operator.id);
    // The app's own Bull queue (its Redis key prefix), exactly what the board reads.
    const syndication = server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    for (const job of SYNC_JOBS) {
      await syndication.add(job.name, job.data, { jobId: job.id, delay: HOUR_MS });
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: UI_TIMEOUT_MS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    // Closing the app closes its Bull queues and Redis connections; close() then drops the keys.
    await server?.close();
  });

  /** A fresh browser profile that talks to the app only (the board links a web font; tests stay offline). */
  async function openPage(credentials?: { username: string; password: string }): Promise<Page> {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext(credentials ? { httpCredentials: credentials } : {});
    contexts.push(context);
    await context.route(
      (url) => url.origin !== baseUrl,
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    return page;
  }

  /**
   * Status of the board's page as the browser got it. Chromium ends a navigation refused with an empty
   * 401 as an error (ERR_INVALID_AUTH_CREDENTIALS or ERR_HTTP_RESPONSE_CODE_FAILURE), so the status is
   * read from the response event, not from goto().
   */
  async function boardStatus(page: Page): Promise<{ status: number; challenge?: string }> {
    const url = `${baseUrl}/admin/queues`;
    const response = page.waitForResponse(url);
    await page.goto(url).catch((err: Error) => {
      if (!/ERR_INVALID_AUTH_CREDENTIALS|ERR_HTTP_RESPONSE_CODE_FAILURE/.test(err.message)) throw err;
    });
    const res = await response;
    return { status: res.status(), challenge: (await res.headerValue('www-authenticate')) ?? undefined };
  }

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  it('answers 401 without credentials and to anyone but a platform administrator', async () => {
    const refused = { status: 401, challenge: 'Basic realm="ppt-queues"' };
    expect(await boardStatus(await openPage())).toEqual(refused);

    const resident = await registerAndLogin(server.app.getHttpServer(), 'not-operator');
    expect(await boardStatus(await openPage({ username: resident.email, password: PASSWORD }))).toEqual(
      refused,
    );
    expect(
      await boardStatus(await openPage({ username: operator.email, password: 'not the password 123' })),
    ).toEqual(refused);
  });

  it('shows a platform administrator every queue and the syndication jobs', async () => {
    const page = await openPage({ username: operator.email, password: PASSWORD });
    expect(await boardStatus(page)).toEqual({ status: 200 });

    // The sidebar and the overview list every queue of the platform.
    const sidebar = page.locator('#bull-board-sidebar nav');
    const overview = page.locator('main');
    for (const name of ALL_QUEUES) {
      await sidebar.getByRole('link', { name, exact: true }).waitFor();
      await overview.getByRole('link', { name, exact: true }).waitFor();
    }
    expect((await sidebar.getByRole('link').allInnerTexts()).sort()).toEqual([...ALL_QUEUES].sort());

    // The overview card of the syndication queue counts its jobs; open the queue from it.
    const card = overview
      .locator('li')
      .filter({ has: page.getByRole('link', { name: 'syndication', exact: true }) });
    await card.getByText(`${SYNC_JOBS.length} Jobs`, { exact: true }).waitFor();
    await card.getByRole('link', { name: 'syndication', exact: true }).click();
    await page.waitForURL(`${baseUrl}/admin/queues/queue/${QueueName.Syndication}`);

    // Its Delayed tab holds the jobs, each with its id, name and data.
    await overview.getByRole('link', { name: /^DELAYED/ }).click();
    await page.waitForURL(/\/admin\/queues\/queue\/syndication\?status=delayed$/);
    for (const job of SYNC_JOBS) {
      await overview.getByText(job.id, { exact: true }).waitFor();
    }
    const text = await overview.innerText();
    expect(text.match(/^portal-sync$/gm)).toHaveLength(SYNC_JOBS.length);
    for (const job of SYNC_JOBS) expect(text).toContain(`portal:"${job.data.portal}"`);
  });
});
