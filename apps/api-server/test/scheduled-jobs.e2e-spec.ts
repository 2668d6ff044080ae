import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName } from '@ppt/queue';
import type { Queue } from 'bull';
import request from 'supertest';
import { AnnouncementsPublishDue } from '@ppt/api-community-core';
import { ChargeOverdue } from '@ppt/api-finance-core';
import { VotesCloseDue } from '@ppt/api-community-core';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

const HOUR = 60 * 60 * 1000;

interface Org {
  id: string;
  adminId: string;
  adminToken: string;
}

interface Member {
  id: string;
  token: string;
  personId: string;
}

interface Question {
  id: string;
  options: { id: string; label: string }[];
  result: {
    participatingWeight: { fraction: string };
    participatingUnits: number;
    quorumReached: boolean;
    outcome: string;
    winningOptionId: string | null;
    options: { optionId: string; weight: { fraction: string }; units: number }[];
  } | null;
}

interface AuditEntry {
  action: string;
  entityId: string;
  actorUserId: string | null;
  actorClientId: string | null;
  details: { changes: Record<string, { before: unknown; after: unknown }> };
}

/**
 * The every-minute jobs that close votes past their end and publish scheduled announcements (across
 * organisations, with the manual logic), and the audit trail of finance changes.
 */
describe('scheduled jobs and finance audit', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  const http = () => server.app.getHttpServer();
  let orgA: Org;
  let orgB: Org;
  let houseA: string;
  let houseB: string;
  const unitsA: string[] = [];
  let unitB: string;
  // a owns 1/2 of house A, b and c 1/4 each; e owns the only unit of house B.
  let a: Member, b: Member, c: Member, e: Member;

  const api = (token: string) => ({
    get: (path: string) => request(http()).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, body: object = {}) =>
      request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body),
    patch: (path: string, body: object) =>
      request(http()).patch(`/api/v1${path}`).set(bearer(token)).send(body),
    delete: (path: string) => request(http()).delete(`/api/v1${path}`).set(bearer(token)),
  });
  const sql = <T>(text: string, params: unknown[] = []) =>
    asOwner(server, async (db) => (await db.query(text, params)).rows as T[]);
  const outbox = (aggregateId: string) =>
    sql<{ type: string; organization_id: string; payload: Record<string, unknown> }>(
      `SELECT type, organization_id, payload FROM outbox WHERE aggregate_id = $1 ORDER BY created_at`,
      [aggregateId],
    );
  const audit = async (org: Org, entityType: string, entityId: string) =>
    (await api(org.adminToken).get(`/audit-logs?entityType=${entityType}&entityId=${entityId}`).expect(200))
      .body.items as AuditEntry[];

  async function member(org: Org, label: string, role: 'owner' | 'tenant', unitId: string): Promise<Member> {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, role);
    const person = await api(org.adminToken)
      .post('/people', { firstName: label, lastName: 'Resident', userId: user.id })
      .expect(201);
    await api(org.adminToken)
      .post(`/units/${unitId}/occupants`, {
        personId: person.body.id,
        relation: role,
        startsOn: '2020-01-01',
      })
      .expect(201);
    return {
      id: user.id,
      personId: person.body.id,
      token: (await login(http(), user.email, undefined, org.id)).accessToken,
    };
  }

  async function organization(label: string): Promise<Org> {
    const admin = await registerAndLogin(http(), label);
    const org = await createOrganization(http(), admin, `${label} SVJ`);
    return { ...org, adminId: admin.id };
  }

  async function building(org: Org, name: string): Promise<string> {
    return (
      await api(org.adminToken)
        .post('/buildings', {
          name,
          addressLine: `${name} 1`,
          city: 'Praha',
          postalCode: '110 00',
          country: 'CZ',
        })
        .expect(201)
    ).body.id;
  }

  async function unit(org: Org, buildingId: string, number: string, n: number, d: number): Promise<string> {
    return (
      await api(org.adminToken)
        .post('/units', { buildingId, number, ownershipShareNumerator: n, ownershipShareDenominator: d })
        .expect(201)
    ).body.id;
  }

  /** An open meeting vote on `buildingId` with two yes/no questions (quorum 1/2 and 3/4). */
  async function openVote(org: Org, buildingId: string, title: string) {
    const question = (quorum: string) => ({
      text: `${title} (${quorum})`,
      quorum,
      options: [{ label: 'Pro' }, { label: 'Proti' }, { label: 'Zdržel se', abstain: true }],
    });
    const created = await api(org.adminToken)
      .post('/votes', {
        title,
        kind: 'meeting',
        buildingIds: [buildingId],
        startAt: new Date(Date.now() - HOUR).toISOString(),
        endAt: new Date(Date.now() + 24 * HOUR).toISOString(),
        questions: [question('1/2'), question('3/4')],
      })
      .expect(201);
    await api(org.adminToken).post(`/votes/${created.body.id}/open`).expect(200);
    return created.body as { id: string; questions: Question[] };
  }

  const cast = (who: Member, voteId: string, unitId: string, q: Question, label: string) =>
    api(who.token).post(`/votes/${voteId}/ballots`, {
      unitId,
      questionId: q.id,
      optionId: q.options.find((o) => o.label === label)?.id,
    });

  /** The voting period ended a minute ago (what waiting for `endAt` would do). */
  const endNow = (voteId: string) =>
    sql(`UPDATE votes SET end_at = now() - interval '1 minute' WHERE id = $1`, [voteId]);

  /** A vote's results with option ids replaced by labels, so two votes' results compare. */
  async function results(org: Org, voteId: string) {
    const vote = (await api(org.adminToken).get(`/votes/${voteId}`).expect(200)).body as {
      status: string;
      questions: Question[];
    };
    const label = (q: Question, id: string | null) => q.options.find((o) => o.id === id)?.label ?? null;
    return {
      status: vote.status,
      questions: vote.questions.map((q) => ({
        participatingWeight: q.result?.participatingWeight.fraction,
        participatingUnits: q.result?.participatingUnits,
        quorumReached: q.result?.quorumReached,
        outcome: q.result?.outcome,
        winner: label(q, q.result?.winningOptionId ?? null),
        options: q.result?.options.map((o) => [label(q, o.optionId), o.weight.fraction, o.units]),
      })),
    };
  }

  beforeAll(async () => {
    server = await bootApiServer();
    worker = await createTestWorker(server);
    await worker.init();
    // The tests run the passes themselves; the every-minute schedule must not run one in between.
    await worker.get<Queue>(getQueueToken(QueueName.Maintenance)).pause(true);
    orgA = await organization('sched-a');
    orgB = await organization('sched-b');
    houseA = await building(orgA, 'Alfa');
    houseB = await building(orgB, 'Beta');
    unitsA.push(
      await unit(orgA, houseA, '1', 1, 2),
      await unit(orgA, houseA, '2', 1, 4),
      await unit(orgA, houseA, '3', 1, 4),
    );
    unitB = await unit(orgB, houseB, '1', 1, 1);
    a = await member(orgA, 'sched-owner-a', 'owner', unitsA[0]);
    b = await member(orgA, 'sched-owner-b', 'owner', unitsA[1]);
    c = await member(orgA, 'sched-owner-c', 'owner', unitsA[2]);
    e = await member(orgB, 'sched-owner-e', 'owner', unitB);
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
  });

  it('registers each every-minute job once as a repeatable job, however many workers start', async () => {
    const second = await createTestWorker(server);
    await second.init();
    try {
      const repeatable = await worker.get<Queue>(getQueueToken(QueueName.Maintenance)).getRepeatableJobs();
      for (const name of [MaintenanceJob.VotesCloseDue, MaintenanceJob.AnnouncementsPublishDue]) {
        expect(repeatable.filter((j) => j.name === name).map((j) => [j.cron, j.tz])).toEqual([
          ['* * * * *', 'UTC'],
        ]);
      }
    } finally {
      await second.close();
    }
  });

  describe('votes-close-due', () => {
    it('closes votes past their end in every organisation exactly like a manual close, once', async () => {
      // Twin votes with the same ballots: one closed by the manager, one left to the job.
      const manual = await openVote(orgA, houseA, 'Manual');
      const scheduled = await openVote(orgA, houseA, 'Scheduled');
      for (const vote of [manual, scheduled]) {
        const [q1, q2] = vote.questions;
        await cast(a, vote.id, unitsA[0], q1, 'Pro').expect(201);
        await cast(b, vote.id, unitsA[1], q1, 'Proti').expect(201);
        await cast(a, vote.id, unitsA[0], q2, 'Pro').expect(201);
      }
      const running = await openVote(orgA, houseA, 'Still running');
      const foreign = await openVote(orgB, houseB, 'Foreign');
      await cast(e, foreign.id, unitB, foreign.questions[0], 'Proti').expect(201);
      for (const vote of [manual, scheduled, foreign]) await endNow(vote.id);

      // A ballot after the end is refused even though the vote is still open.
      const late = await cast(c, scheduled.id, unitsA[2], scheduled.questions[0], 'Proti').expect(409);
      expect(late.body.error.code).toBe('OUTSIDE_VOTING_PERIOD');
      // Closed by hand before the job comes: the job must leave it alone.
      await api(orgA.adminToken).post(`/votes/${manual.id}/close`).expect(200);
      const manualBefore = await sql<{ version: number; closed_at: Date }>(
        `SELECT version, closed_at FROM votes WHERE id = $1`,
        [manual.id],
      );

      const closeDue = worker.get(VotesCloseDue);
      expect(await closeDue.run(new Date())).toEqual({ closed: 2, failed: 0 });

      // Same results as the manual close: q1 3/4 took part (quorum 1/2 reached), Pro 1/2 beats
      // Proti 1/4; q2 only 1/2 took part, below the 3/4 quorum.
      const expected = {
        status: 'closed',
        questions: [
          {
            participatingWeight: '3/4',
            participatingUnits: 2,
            quorumReached: true,
            outcome: 'adopted',
            winner: 'Pro',
            options: [
              ['Pro', '1/2', 1],
              ['Proti', '1/4', 1],
              ['Zdržel se', '0/1', 0],
            ],
          },
          {
            participatingWeight: '1/2',
            participatingUnits: 1,
            quorumReached: false,
            outcome: 'no_quorum',
            winner: null,
            options: [
              ['Pro', '1/2', 1],
              ['Proti', '0/1', 0],
              ['Zdržel se', '0/1', 0],
            ],
          },
        ],
      };
      expect(await results(orgA, manual.id)).toEqual(expected);
      expect(await results(orgA, scheduled.id)).toEqual(expected);

      const events = await outbox(scheduled.id);
      expect(events.map((ev) => ev.type)).toEqual(['vote.opened', 'vote.closed']);
      expect(events[1].payload).toMatchObject({
        voteId: scheduled.id,
        eligibleWeight: '1/1',
        results: [
          { questionId: scheduled.questions[0].id, quorumReached: true, outcome: 'adopted' },
          { questionId: scheduled.questions[1].id, quorumReached: false, outcome: 'no_quorum' },
        ],
      });
      expect((await outbox(manual.id)).map((ev) => ev.type)).toEqual(['vote.opened', 'vote.closed']);
      expect(await sql(`SELECT version, closed_at FROM votes WHERE id = $1`, [manual.id])).toEqual(
        manualBefore,
      );

      // The manager is the actor of the manual close, the system of the scheduled one.
      const [closedByJob] = await audit(orgA, 'vote', scheduled.id);
      expect(closedByJob).toMatchObject({
        action: 'vote.closed',
        actorUserId: null,
        actorClientId: 'system',
      });
      expect(closedByJob.details.changes.status).toEqual({ before: 'open', after: 'closed' });
      const [closedByHand] = await audit(orgA, 'vote', manual.id);
      expect(closedByHand).toMatchObject({
        action: 'vote.closed',
        actorUserId: orgA.adminId,
        actorClientId: null,
      });

      // The other organisation's vote was closed too, in that organisation only.
      const foreignResult = await results(orgB, foreign.id);
      expect(foreignResult.questions[0]).toMatchObject({
        participatingWeight: '1/1',
        quorumReached: true,
        outcome: 'adopted',
        winner: 'Proti',
      });
      expect((await outbox(foreign.id)).map((ev) => [ev.type, ev.organization_id])).toEqual([
        ['vote.opened', orgB.id],
        ['vote.closed', orgB.id],
      ]);
      await api(orgA.adminToken).get(`/votes/${foreign.id}`).expect(404);
      expect(await audit(orgA, 'vote', foreign.id)).toEqual([]);
      expect((await audit(orgB, 'vote', foreign.id))[0]).toMatchObject({
        action: 'vote.closed',
        actorClientId: 'system',
      });

      // A vote still running stays open and takes ballots.
      expect((await api(orgA.adminToken).get(`/votes/${running.id}`).expect(200)).body).toMatchObject({
        status: 'open',
        closedAt: null,
      });
      await cast(c, running.id, unitsA[2], running.questions[0], 'Pro').expect(201);

      // A second pass closes nothing and writes nothing. (Only vote events are counted: the worker's
      // consumers of the votes closed above write their own events, notifications, meanwhile.)
      const outboxSize = async () =>
        (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE type LIKE 'vote.%'`))[0].n;
      const before = await outboxSize();
      expect(await closeDue.run(new Date())).toEqual({ closed: 0, failed: 0 });
      expect(await outboxSize()).toBe(before);
      expect(
        (await audit(orgA, 'vote', scheduled.id)).filter((i) => i.action === 'vote.closed'),
      ).toHaveLength(1);
    });

    it('leaves a vote whose ballot chain does not verify open, and closes the others', async () => {
      const broken = await openVote(orgA, houseA, 'Broken chain');
      const fine = await openVote(orgA, houseA, 'Fine');
      await cast(a, broken.id, unitsA[0], broken.questions[0], 'Pro').expect(201);
      await cast(a, fine.id, unitsA[0], fine.questions[0], 'Pro').expect(201);
      await sql(`UPDATE votes SET chain_head = repeat('0', 64) WHERE id = $1`, [broken.id]);
      for (const vote of [broken, fine]) await endNow(vote.id);

      expect(await worker.get(VotesCloseDue).run(new Date())).toEqual({ closed: 1, failed: 1 });
      expect((await api(orgA.adminToken).get(`/votes/${broken.id}`).expect(200)).body.status).toBe('open');
      expect((await outbox(broken.id)).map((ev) => ev.type)).toEqual(['vote.opened']);
      expect((await api(orgA.adminToken).get(`/votes/${fine.id}`).expect(200)).body.status).toBe('closed');
      // Nobody can close it until the chain is repaired; cancel it so later passes have nothing to do.
      await api(orgA.adminToken).post(`/votes/${broken.id}/cancel`).expect(200);
      expect(await worker.get(VotesCloseDue).run(new Date())).toEqual({ closed: 0, failed: 0 });
    });
  });

  describe('announcements-publish-due', () => {
    const announce = async (org: Org, title: string, publishInMs: number) => {
      const created = await api(org.adminToken)
        .post('/announcements', { title, body: `${title} body`, audienceType: 'organization' })
        .expect(201);
      await api(org.adminToken)
        .post(`/announcements/${created.body.id}/schedule`, {
          publishAt: new Date(Date.now() + HOUR).toISOString(),
        })
        .expect(200);
      if (publishInMs < 0) {
        await sql(`UPDATE announcements SET publish_at = now() - interval '1 minute' WHERE id = $1`, [
          created.body.id,
        ]);
      }
      return created.body.id as string;
    };
    const inbox = async (token: string) =>
      (
        (await api(token).get('/notifications?limit=100').expect(200)).body.items as {
          type: string;
          title: string;
          link: string;
        }[]
      ).filter((n) => n.type === 'announcement');

    it('publishes due scheduled announcements in every organisation with the manual logic, once', async () => {
      const due = await announce(orgA, 'Water off on Monday', -1);
      const notYet = await announce(orgA, 'Chimney sweep next month', HOUR);
      const publishedByHand = await announce(orgA, 'Published by hand', -1);
      const foreign = await announce(orgB, 'Beta garden party', -1);
      await api(orgA.adminToken).post(`/announcements/${publishedByHand}/publish`).expect(200);

      const publishDue = worker.get(AnnouncementsPublishDue);
      expect(await publishDue.run(new Date())).toEqual({ published: 2, failed: 0 });

      const shown = (await api(orgA.adminToken).get(`/announcements/${due}`).expect(200)).body;
      expect(shown).toMatchObject({ status: 'published', publishedAt: expect.any(String) });
      expect((await api(orgA.adminToken).get(`/announcements/${notYet}`).expect(200)).body).toMatchObject({
        status: 'scheduled',
        publishedAt: null,
      });

      // Event, audit (the system as actor) and the audience's notifications and receipt report.
      const events = await outbox(due);
      expect(events.map((ev) => [ev.type, ev.organization_id])).toEqual([
        ['announcement.published', orgA.id],
      ]);
      expect(events[0].payload).toMatchObject({ announcementId: due, title: 'Water off on Monday' });
      const [published] = await audit(orgA, 'announcement', due);
      expect(published).toMatchObject({
        action: 'announcement.published',
        actorUserId: null,
        actorClientId: 'system',
      });
      expect(published.details.changes.status).toEqual({ before: 'scheduled', after: 'published' });
      for (const resident of [a, b, c]) {
        expect((await inbox(resident.token)).filter((n) => n.link === `/announcements/${due}`)).toEqual([
          expect.objectContaining({ title: 'Water off on Monday' }),
        ]);
        const list = (await api(resident.token).get('/announcements?limit=100').expect(200)).body.items;
        expect(list.map((i: { id: string }) => i.id)).toContain(due);
        expect(list.map((i: { id: string }) => i.id)).not.toContain(notYet);
      }
      const receipts = (await api(orgA.adminToken).get(`/announcements/${due}/receipts`).expect(200)).body;
      expect(receipts).toMatchObject({ audience: 4, read: 0, acknowledged: 0 });
      expect(receipts.items.map((i: { userId: string }) => i.userId).sort()).toEqual(
        [orgA.adminId, a.id, b.id, c.id].sort(),
      );
      await api(a.token).post(`/announcements/${due}/read`).expect(204);
      expect((await api(orgA.adminToken).get(`/announcements/${due}/receipts`).expect(200)).body.read).toBe(
        1,
      );

      // Published by hand before the pass: one event, one notification each.
      expect((await outbox(publishedByHand)).map((ev) => ev.type)).toEqual(['announcement.published']);
      expect(
        (await inbox(a.token)).filter((n) => n.link === `/announcements/${publishedByHand}`),
      ).toHaveLength(1);

      // The other organisation's announcement, to its members only.
      expect((await api(orgB.adminToken).get(`/announcements/${foreign}`).expect(200)).body.status).toBe(
        'published',
      );
      expect((await inbox(e.token)).map((n) => n.link)).toEqual([`/announcements/${foreign}`]);
      expect((await inbox(a.token)).map((n) => n.link)).not.toContain(`/announcements/${foreign}`);
      expect((await outbox(foreign)).map((ev) => ev.organization_id)).toEqual([orgB.id]);

      // A second pass publishes nothing again.
      const counts = () =>
        sql<{ events: number; notes: number }>(
          `SELECT (SELECT count(*)::int FROM outbox) AS events, (SELECT count(*)::int FROM notifications) AS notes`,
        );
      const before = await counts();
      expect(await publishDue.run(new Date())).toEqual({ published: 0, failed: 0 });
      expect(await counts()).toEqual(before);

      // The one not due yet is published once its time comes.
      await sql(`UPDATE announcements SET publish_at = now() - interval '1 second' WHERE id = $1`, [notYet]);
      expect(await publishDue.run(new Date())).toEqual({ published: 1, failed: 0 });
      expect((await api(orgA.adminToken).get(`/announcements/${notYet}`).expect(200)).body.status).toBe(
        'published',
      );
    });
  });

  describe('finance audit', () => {
    it('audits charges, payments and expenses with the changed fields, and the overdue job as the system', async () => {
      const admin = api(orgA.adminToken);
      const today = new Date().toISOString().slice(0, 10);
      const tenDaysAgo = new Date(Date.now() - 10 * 24 * HOUR).toISOString().slice(0, 10);
      const charge = (
        await admin
          .post('/charges', {
            unitId: unitsA[0],
            personId: a.personId,
            kind: 'service_charge',
            description: 'Fond oprav 11/2026',
            amount: 150000,
            currency: 'CZK',
            dueDate: '2030-01-15',
          })
          .expect(201)
      ).body;
      const partial = (
        await admin
          .post(`/charges/${charge.id}/payments`, {
            amount: 50000,
            currency: 'CZK',
            method: 'bank_transfer',
            reference: 'VS 2026110',
          })
          .expect(201)
      ).body.payment;
      await admin
        .post(`/charges/${charge.id}/payments`, { amount: 100000, currency: 'CZK', method: 'cash' })
        .expect(201);

      const chargeTrail = await audit(orgA, 'charge', charge.id);
      expect(chargeTrail.map((i) => [i.action, i.actorUserId])).toEqual([
        ['charge.updated', orgA.adminId],
        ['charge.updated', orgA.adminId],
        ['charge.created', orgA.adminId],
      ]);
      expect(chargeTrail[2].details.changes).toMatchObject({
        amount: { before: null, after: 150000 },
        currency: { before: null, after: 'CZK' },
        status: { before: null, after: 'pending' },
        personId: { before: null, after: a.personId },
      });
      expect(chargeTrail[1].details.changes).toMatchObject({
        paidAmount: { before: 0, after: 50000 },
        outstandingAmount: { before: 150000, after: 100000 },
      });
      expect(chargeTrail[1].details.changes.status).toBeUndefined();
      expect(chargeTrail[0].details.changes).toMatchObject({
        paidAmount: { before: 50000, after: 150000 },
        status: { before: 'pending', after: 'paid' },
        paidOn: { before: null, after: today },
      });
      const paymentTrail = await audit(orgA, 'payment', partial.id);
      expect(paymentTrail).toEqual([
        expect.objectContaining({ action: 'payment.recorded', actorUserId: orgA.adminId }),
      ]);
      expect(paymentTrail[0].details.changes).toMatchObject({
        chargeId: { before: null, after: charge.id },
        amount: { before: null, after: 50000 },
        method: { before: null, after: 'bank_transfer' },
        reference: { before: null, after: 'VS 2026110' },
      });

      const cancelled = (
        await admin
          .post('/charges', {
            unitId: unitsA[1],
            kind: 'fee',
            amount: 2000,
            currency: 'CZK',
            dueDate: '2030-01-01',
          })
          .expect(201)
      ).body;
      await admin.post(`/charges/${cancelled.id}/cancel`).expect(200);
      const [cancelEntry] = await audit(orgA, 'charge', cancelled.id);
      expect(cancelEntry.action).toBe('charge.cancelled');
      expect(cancelEntry.details.changes.status).toEqual({ before: 'pending', after: 'cancelled' });

      // A refused change leaves no entry.
      await admin.post(`/charges/${cancelled.id}/cancel`).expect(409);
      expect(await audit(orgA, 'charge', cancelled.id)).toHaveLength(2);

      const expense = (
        await admin
          .post('/expenses', {
            buildingId: houseA,
            category: 'repairs',
            description: 'Roof',
            amount: 420000,
            currency: 'CZK',
            incurredOn: today,
          })
          .expect(201)
      ).body;
      await admin
        .patch(`/expenses/${expense.id}`, { amount: 450000, description: 'Roof and gutters' })
        .expect(200);
      await admin.delete(`/expenses/${expense.id}`).expect(204);
      const expenseTrail = await audit(orgA, 'expense', expense.id);
      expect(expenseTrail.map((i) => i.action)).toEqual([
        'expense.deleted',
        'expense.updated',
        'expense.created',
      ]);
      expect(expenseTrail[2].details.changes).toMatchObject({
        amount: { before: null, after: 420000 },
        category: { before: null, after: 'repairs' },
      });
      expect(expenseTrail[1].details.changes).toEqual({
        amount: { before: 420000, after: 450000 },
        description: { before: 'Roof', after: 'Roof and gutters' },
      });
      expect(expenseTrail[0].details.changes).toMatchObject({
        amount: { before: 450000, after: null },
        buildingId: { before: houseA, after: null },
      });
      // The filter takes the new entity types; other organisations see none of it.
      const expenses = (await admin.get('/audit-logs?entityType=expense').expect(200)).body
        .items as AuditEntry[];
      expect(expenses.map((i) => i.entityId)).toEqual([expense.id, expense.id, expense.id]);
      expect(await audit(orgB, 'charge', charge.id)).toEqual([]);

      // The overdue job changes a charge's status as the system.
      const late = (
        await admin
          .post('/charges', {
            unitId: unitsA[2],
            kind: 'rent',
            amount: 1000,
            currency: 'CZK',
            dueDate: tenDaysAgo,
          })
          .expect(201)
      ).body;
      await worker.get(ChargeOverdue).run(new Date());
      const [overdue] = await audit(orgA, 'charge', late.id);
      expect(overdue).toMatchObject({
        action: 'charge.status_changed',
        actorUserId: null,
        actorClientId: 'system',
      });
      expect(overdue.details.changes.status).toEqual({ before: 'pending', after: 'overdue' });
    });
  });
});
