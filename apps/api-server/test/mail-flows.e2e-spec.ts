import type { INestApplication } from '@nestjs/common';
import { createWorkerApp } from '@ppt/http';
import { startMailCatcher, tokenFromMail, type MailCatcher } from '@ppt/testing';
import request from 'supertest';
import { WorkerModule } from '../src/worker.module';
import { bootApiServer, type BootedApiServer } from './boot';
import {
  bearer,
  createOrganization,
  login,
  PASSWORD,
  register,
  registerAndLogin,
  uniqueEmail,
} from './identity';

/**
 * E-mail verification, password reset and invitations, delivered over real SMTP to a local server.
 * Account e-mails are sent by the api worker (identity-mail queue), which runs here too.
 */
describe('e-mail flows', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  let mail: MailCatcher;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    mail = await startMailCatcher();
    server = await bootApiServer({
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: mail.url,
      APP_PUBLIC_URL: 'https://app.example.test',
      MAIL_FROM: 'PPT <no-reply@example.test>',
    });
    worker = await createWorkerApp(WorkerModule.register(server.env));
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
    await mail.close();
  });

  const to = (address: string) => (m: { to?: unknown }) => JSON.stringify(m.to).includes(address);

  it('sends a verification e-mail (text and HTML) whose link verifies the address once', async () => {
    const email = uniqueEmail('verify');
    await register(http(), email);
    const message = await mail.waitFor(to(email));
    expect(message.subject).toBe('Confirm your e-mail address');
    expect(message.from?.text).toContain('no-reply@example.test');
    expect(message.text).toContain('https://app.example.test/verify-email?token=');
    expect(message.html).toContain('<a href="https://app.example.test/verify-email?token=');

    const token = tokenFromMail(message);
    await request(http()).post('/api/v1/auth/email/verify').send({ token }).expect(204);
    const again = await request(http()).post('/api/v1/auth/email/verify').send({ token }).expect(400);
    expect(again.body.error.code).toBe('INVALID_TOKEN');
    const { accessToken } = await login(http(), email);
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.emailVerified).toBe(true);
  });

  it('answers a registration of a taken address like a new one; the owner is told by e-mail instead', async () => {
    const owner = await registerAndLogin(http(), 'taken');
    await mail.waitFor((m) => to(owner.email)(m) && m.subject === 'Confirm your e-mail address');
    const fresh = uniqueEmail('fresh');
    const answers = [];
    for (const email of [fresh, owner.email.toUpperCase()]) {
      const res = await request(http())
        .post('/api/v1/auth/register')
        .send({ email, password: 'an attacker passphrase', displayName: 'Someone' });
      answers.push({ status: res.status, body: res.body });
    }
    expect(answers[0]).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(answers[1]).toEqual(answers[0]);

    const notice = await mail.waitFor(
      (m) => to(owner.email)(m) && m.subject === 'Someone tried to register with your address',
    );
    expect(notice.text).toContain('https://app.example.test/login');
    expect(notice.text).not.toContain('token=');
    await mail.waitFor((m) => to(fresh)(m) && m.subject === 'Confirm your e-mail address');
    // The attempt changed nothing about the existing account.
    await login(http(), owner.email);
    await request(http())
      .post('/api/v1/auth/login')
      .send({ email: owner.email, password: 'an attacker passphrase' })
      .expect(401);
  });

  it('resets a password through the e-mailed link, ending every session, and the link works once', async () => {
    const user = await registerAndLogin(http(), 'reset');
    const accepted = await request(http())
      .post('/api/v1/auth/password/forgot')
      .send({ email: user.email.toUpperCase() })
      .expect(202);
    expect(accepted.body).toEqual({ status: 'accepted' });
    const message = await mail.waitFor((m) => to(user.email)(m) && m.subject === 'Reset your password');
    const token = tokenFromMail(message);

    await request(http())
      .post('/api/v1/auth/password/reset')
      .send({ token, newPassword: 'new long passphrase 42' })
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
    await request(http())
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(401);
    await login(http(), user.email, 'new long passphrase 42');
    await request(http())
      .post('/api/v1/auth/password/reset')
      .send({ token, newPassword: 'another passphrase 43' })
      .expect(400);
  });

  it('answers a reset request for an unknown address exactly like a known one, and sends nothing', async () => {
    const ghost = uniqueEmail('ghost');
    const res = await request(http()).post('/api/v1/auth/password/forgot').send({ email: ghost }).expect(202);
    expect(res.body).toEqual({ status: 'accepted' });
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.messages.filter(to(ghost))).toEqual([]);
  });

  it('limits password-reset requests per account (429 with Retry-After)', async () => {
    const user = await registerAndLogin(http(), 'reset-limit');
    for (let i = 0; i < 3; i++)
      await request(http()).post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    const limited = await request(http())
      .post('/api/v1/auth/password/forgot')
      .send({ email: user.email })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('invites a person without an account; accepting sets the password and signs them into the organisation', async () => {
    const admin = await registerAndLogin(http(), 'inviter');
    const org = await createOrganization(http(), admin, 'Gamma Building');
    const invitee = uniqueEmail('invitee');
    await request(http())
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(bearer(org.adminToken))
      .send({ email: invitee, role: 'owner', displayName: 'Olga Owner' })
      .expect(201);
    const message = await mail.waitFor(to(invitee));
    expect(message.subject).toBe('You are invited to Gamma Building');

    await request(http())
      .post('/api/v1/auth/login')
      .send({ email: invitee, password: 'any password at all' })
      .expect(401);
    await request(http())
      .post('/api/v1/auth/invitations/accept')
      .send({ token: tokenFromMail(message), password: 'my own passphrase' })
      .expect(204);
    const { accessToken } = await login(http(), invitee, 'my own passphrase');
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body).toMatchObject({
      displayName: 'Olga Owner',
      emailVerified: true,
      organizationId: org.id,
      role: 'owner',
    });
  });

  it('tells an existing user they were added', async () => {
    const admin = await registerAndLogin(http(), 'adder');
    const org = await createOrganization(http(), admin, 'Delta Estates');
    const existing = await registerAndLogin(http(), 'existing');
    await request(http())
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(bearer(org.adminToken))
      .send({ email: existing.email, role: 'realtor' })
      .expect(201);
    const message = await mail.waitFor(
      (m) => to(existing.email)(m) && m.subject === 'You now have access to Delta Estates',
    );
    expect(message.text).toContain('realtor');
  });
});
