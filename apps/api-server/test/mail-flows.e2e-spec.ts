import type { INestApplication } from '@nestjs/common';
import { startMailCatcher, tokenFromMail, type MailCatcher } from '@ppt/testing';
import request from 'supertest';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';
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
    worker = await createTestWorker(server);
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
    const { accessToken } = await login(http(), email);
    const verify = () =>
      request(http()).post('/api/v1/auth/email/verify').set(bearer(accessToken)).send({ token });
    await verify().expect(204);
    const again = await verify().expect(400);
    expect(again.body.error.code).toBe('INVALID_TOKEN');
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.emailVerified).toBe(true);
  });

  it("API2:2023 a confirmation link works only in the session of the account it confirms: the address owner's click does not verify a squatter's account", async () => {
    // A squatter registers the owner's address with a password of their own; the link goes to the owner.
    const address = uniqueEmail('squatted');
    await register(http(), address);
    const token = tokenFromMail(await mail.waitFor(to(address)));
    const squatter = await login(http(), address);

    // The owner opens the link: not signed in, or signed in to their other account.
    await request(http()).post('/api/v1/auth/email/verify').send({ token }).expect(401);
    const other = await registerAndLogin(http(), 'owner-elsewhere');
    const refused = await request(http())
      .post('/api/v1/auth/email/verify')
      .set(bearer(other.accessToken))
      .send({ token })
      .expect(400);
    expect(refused.body.error.code).toBe('INVALID_TOKEN');
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(squatter.accessToken)).expect(200);
    expect(me.body.emailVerified).toBe(false);
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

  it('API4:2023 limits reset e-mails per account without refusing anyone: past the limit the request is answered alike and sends nothing', async () => {
    const user = await registerAndLogin(http(), 'reset-limit');
    const resets = () => mail.messages.filter((m) => to(user.email)(m) && m.subject === 'Reset your password');
    for (let i = 0; i < 5; i++) {
      // Someone else keeps asking for the owner's address: the answer never changes (no 429 to
      // keep the owner from resetting, nothing that tells the address has an account).
      const res = await request(http()).post('/api/v1/auth/password/forgot').send({ email: user.email });
      expect({ status: res.status, body: res.body }).toEqual({ status: 202, body: { status: 'accepted' } });
    }
    await mail.waitFor((m) => resets().length === 3 && to(user.email)(m));
    await new Promise((r) => setTimeout(r, 300));
    expect(resets()).toHaveLength(3); // AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT
  });

  it('invites a new person: they register, confirm their address by mail, sign in and accept', async () => {
    const admin = await registerAndLogin(http(), 'inviter');
    const org = await createOrganization(http(), admin, 'Gamma Building');
    const invitee = uniqueEmail('invitee');
    await request(http())
      .post(`/api/v1/organizations/${org.id}/invitations`)
      .set(bearer(org.adminToken))
      .send({ email: invitee, role: 'owner' })
      .expect(201);
    const invitation = await mail.waitFor(to(invitee));
    expect(invitation.subject).toBe('You are invited to Gamma Building');
    expect(invitation.text).toContain(admin.email);
    expect(invitation.text).toContain('as owner');
    expect(invitation.text).toMatch(/Register with this e-mail address first/);
    expect(invitation.text).toContain('https://app.example.test/accept-invitation?token=');
    const token = tokenFromMail(invitation);

    await register(http(), invitee);
    const unverified = await login(http(), invitee);
    const early = await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(unverified.accessToken))
      .send({ token })
      .expect(403);
    expect(early.body.error.code).toBe('EMAIL_NOT_VERIFIED');

    const verification = await mail.waitFor(
      (m) => to(invitee)(m) && m.subject === 'Confirm your e-mail address',
    );
    await request(http())
      .post('/api/v1/auth/email/verify')
      .set(bearer(unverified.accessToken))
      .send({ token: tokenFromMail(verification) })
      .expect(204);
    const { accessToken } = await login(http(), invitee);
    const pending = await request(http()).get('/api/v1/me/invitations').set(bearer(accessToken)).expect(200);
    expect(pending.body).toEqual([
      expect.objectContaining({
        organizationId: org.id,
        organizationName: 'Gamma Building',
        role: 'owner',
        invitedBy: { userId: admin.id, displayName: admin.email.split('@')[0], email: admin.email },
      }),
    ]);
    await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(accessToken))
      .send({ token })
      .expect(200);
    const member = await login(http(), invitee, PASSWORD, org.id);
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(member.accessToken)).expect(200);
    expect(me.body).toMatchObject({ emailVerified: true, organizationId: org.id, role: 'owner' });
  });

  it('a password reset proves the mailbox: the address becomes verified', async () => {
    const email = uniqueEmail('reset-proves');
    await register(http(), email);
    await mail.waitFor((m) => to(email)(m) && m.subject === 'Confirm your e-mail address');
    await request(http()).post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    const reset = await mail.waitFor((m) => to(email)(m) && m.subject === 'Reset your password');
    await request(http())
      .post('/api/v1/auth/password/reset')
      .send({ token: tokenFromMail(reset), newPassword: 'new long passphrase 44' })
      .expect(204);
    const { accessToken } = await login(http(), email, 'new long passphrase 44');
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.emailVerified).toBe(true);
  });
});
