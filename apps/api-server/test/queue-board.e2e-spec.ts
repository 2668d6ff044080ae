import { getQueueToken } from '@nestjs/bull';
import { ALL_QUEUES, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { eventually } from '@ppt/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { bootApiServer, type BootedApiServer } from './boot';
import { asOwner, makePlatformAdmin, PASSWORD, registerAndLogin, type TestUser } from './identity';

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
  async function openPage(): Promise<Page> {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext();
    contexts.push(context);
    await context.route(
      (url) => url.origin !== baseUrl,
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    return page;
  }

  /** Signs in on the operators' page; answers the status of the form post as the browser got it. */
  async function signIn(page: Page, email: string, password: string): Promise<number> {
    await page.goto(`${baseUrl}/admin/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    const posted = page.waitForResponse(
      (res) => res.url() === `${baseUrl}/admin/login` && res.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    return (await posted).status();
  }

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  it('sends a browser without an operator session to the sign-in page, which refuses all but platform administrators', async () => {
    const page = await openPage();
    await page.goto(`${baseUrl}/admin/queues`);
    expect(page.url()).toBe(`${baseUrl}/admin/login`);

    const resident = await registerAndLogin(server.app.getHttpServer(), 'not-operator');
    expect(await signIn(page, resident.email, PASSWORD)).toBe(401);
    await page.getByRole('alert').getByText('Invalid e-mail or password').waitFor();
    expect(await signIn(page, operator.email, 'not the password 123')).toBe(401);

    await page.goto(`${baseUrl}/admin/queues`);
    expect(page.url()).toBe(`${baseUrl}/admin/login`);
    expect(await page.locator('#bull-board-sidebar').count()).toBe(0);
  });

  it('signs a platform administrator in, shows every queue and the syndication jobs, audits an action and signs out', async () => {
    const page = await openPage();
    expect(await signIn(page, operator.email, PASSWORD)).toBe(303);
    await page.waitForURL(`${baseUrl}/admin/queues`);

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

    // Promote one delayed job from its card (icon buttons, named by their tooltip); the board asks to confirm.
    const [promoted] = SYNC_JOBS;
    const jobHeader = overview
      .locator('div')
      .filter({ has: page.getByText(promoted.id, { exact: true }) })
      .filter({ has: page.locator('li button') })
      .last();
    const promoteButton = jobHeader.locator('li button').first();
    await promoteButton.hover();
    await page.getByText('Promote', { exact: true }).waitFor();
    await promoteButton.click();
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    const syndication = server.app.get<Queue>(getQueueToken(QueueName.Syndication), { strict: false });
    await eventually(async () => (await (await syndication.getJob(promoted.id))?.getState()) === 'waiting');
    // …and the audit log says who promoted which job.
    const audited = await eventually(() =>
      asOwner(server, async (db) => {
        const { rows } = await db.query(
          `SELECT actor_user_id, entity_type, entity_id, details->>'operation' AS operation
             FROM audit_log WHERE action = 'queue_board.action'`,
        );
        return rows.length > 0 && rows;
      }),
    );
    expect(audited).toEqual([
      {
        actor_user_id: operator.id,
        entity_type: 'job',
        entity_id: `${QueueName.Syndication}:${promoted.id}`,
        operation: 'promote',
      },
    ]);

    // Signing out ends the session: the board sends the browser back to the sign-in page.
    await page.goto(`${baseUrl}/admin/login`);
    await page.getByText(`Signed in as ${operator.email}.`).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(`${baseUrl}/admin/queues`);
    expect(page.url()).toBe(`${baseUrl}/admin/login`);
  });
});
