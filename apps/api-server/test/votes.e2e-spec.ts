import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

interface Resident {
  token: string;
  personId: string;
}

interface Question {
  id: string;
  options: { id: string; label: string }[];
}

const HOUR = 60 * 60 * 1000;

/** The chain hash as GET /votes/:id/audit documents it, computed independently of the server. */
function recomputed(voteId: string, e: Record<string, unknown>): string {
  const content = [1, e.ballotId, voteId, e.sequence, e.questionId, e.optionId, e.weight, e.unitId].concat([
    e.castByPersonId,
    e.castAt,
    e.supersedesBallotId,
    e.changeTokenHash,
  ]);
  return createHash('sha256')
    .update(String(e.previousHash) + JSON.stringify(content))
    .digest('hex');
}
const DAY = 24 * HOUR;

/**
 * Owners' votes over HTTP, on a building whose four units have shares 1/4, 1/4, 1/6 and 1/3 (together
 * exactly 1), plus a second building with one unit.
 */
describe('votes', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let house: string;
  let annex: string;
  const unit: Record<'u1' | 'u2' | 'u3' | 'u4' | 'u5', string> = { u1: '', u2: '', u3: '', u4: '', u5: '' };
  // a owns u1, b and b2 co-own u2, c owns u3, d owns u4, e owns u5 (annex); x is a tenant, a proxy.
  let a: Resident, b: Resident, b2: Resident, c: Resident, d: Resident, e: Resident, x: Resident;

  const api = (token: string) => ({
    get: (path: string) => request(http()).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, body: object = {}) =>
      request(http()).post(`/api/v1${path}`).set(bearer(token)).send(body),
    patch: (path: string, body: object) =>
      request(http()).patch(`/api/v1${path}`).set(bearer(token)).send(body),
  });
  const admin = () => api(org.adminToken);

  async function resident(label: string, role: 'owner' | 'tenant', owns: string[]): Promise<Resident> {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, role);
    const person = await admin()
      .post('/people', { firstName: label, lastName: 'Vlastník', userId: user.id })
      .expect(201);
    for (const unitId of owns) {
      await admin()
        .post(`/units/${unitId}/occupants`, {
          personId: person.body.id,
          relation: 'owner',
          startsOn: '2020-01-01',
        })
        .expect(201);
    }
    return {
      token: (await login(http(), user.email, undefined, org.id)).accessToken,
      personId: person.body.id,
    };
  }

  async function newUnit(buildingId: string, number: string, n: number, d: number): Promise<string> {
    const res = await admin()
      .post('/units', { buildingId, number, ownershipShareNumerator: n, ownershipShareDenominator: d })
      .expect(201);
    return res.body.id;
  }

  const yesNo = (quorum = '1/2', majority = 'simple') => ({
    text: `Question ${randomUUID().slice(0, 6)}`,
    quorum,
    majority,
    options: [{ label: 'Pro' }, { label: 'Proti' }, { label: 'Zdržel se', abstain: true }],
  });

  async function draft(overrides: Record<string, unknown> = {}) {
    const res = await admin()
      .post('/votes', {
        title: 'Shromáždění',
        kind: 'meeting',
        buildingIds: [house],
        startAt: new Date(Date.now() - HOUR).toISOString(),
        endAt: new Date(Date.now() + 2 * DAY).toISOString(),
        questions: [yesNo()],
        ...overrides,
      })
      .expect(201);
    return res.body as { id: string; questions: Question[]; status: string };
  }

  async function opened(overrides: Record<string, unknown> = {}) {
    const vote = await draft(overrides);
    await admin().post(`/votes/${vote.id}/open`).expect(200);
    return vote;
  }

  const option = (q: Question, label: string) => q.options.find((o) => o.label === label)?.id as string;

  function cast(
    who: Resident,
    voteId: string,
    unitId: string,
    q: Question,
    label: string,
    changeToken?: string,
  ) {
    return api(who.token).post(`/votes/${voteId}/ballots`, {
      unitId,
      questionId: q.id,
      optionId: option(q, label),
      ...(changeToken ? { changeToken } : {}),
    });
  }

  const events = (voteId: string) =>
    asOwner(server, async (db) =>
      (
        await db.query(
          `SELECT type, aggregate_version, payload FROM outbox WHERE aggregate_id = $1 ORDER BY created_at`,
          [voteId],
        )
      ).rows.map((r) => r as { type: string; aggregate_version: number; payload: Record<string, unknown> }),
    );

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'svj-admin'), 'SVJ Vinohradská 12');
    other = await createOrganization(http(), await registerAndLogin(http(), 'other-admin'), 'Other SVJ');
    const building = (name: string) =>
      admin().post('/buildings', {
        name,
        addressLine: `${name} 12`,
        city: 'Praha',
        postalCode: '120 00',
        country: 'CZ',
      });
    house = (await building('Vinohradská').expect(201)).body.id;
    annex = (await building('Slezská').expect(201)).body.id;
    unit.u1 = await newUnit(house, '1', 1, 4);
    unit.u2 = await newUnit(house, '2', 25, 100);
    unit.u3 = await newUnit(house, '3', 1, 6);
    unit.u4 = await newUnit(house, '4', 2, 6);
    unit.u5 = await newUnit(annex, '5', 1, 2);
    a = await resident('Adam', 'owner', [unit.u1]);
    b = await resident('Bára', 'owner', [unit.u2]);
    b2 = await resident('Boris', 'owner', [unit.u2]);
    c = await resident('Cyril', 'owner', [unit.u3]);
    d = await resident('Dana', 'owner', [unit.u4]);
    e = await resident('Eva', 'owner', [unit.u5]);
    x = await resident('Xaver', 'tenant', []);
  });
  afterAll(() => server.close());

  describe('arithmetic', () => {
    it('weighs ballots by exact shares: exactly at quorum, ties, two thirds, unanimity, changed and delegated ballots', async () => {
      const vote = await opened({
        questions: [
          yesNo('1/2'), // u1 Pro, u2 Pro → Proti (changed): 1/4 : 1/4 — a tie exactly at quorum
          yesNo('50%', 'two_thirds'), // u4 Pro (by proxy), u3 Proti: 1/3 of 1/2 is exactly two thirds
          yesNo('1/3', 'unanimous'), // u1, u3 Pro: 5/12 all for
          yesNo('1/3', 'unanimous'), // u1 Pro, u4 Proti
          yesNo('50.01%'), // u1, u2 Pro: 1/2 is below 50.01 %
        ],
      });
      const [q1, q2, q3, q4, q5] = vote.questions;
      await api(d.token)
        .post(`/votes/${vote.id}/delegations`, { unitId: unit.u4, proxyPersonId: x.personId })
        .expect(201);

      await cast(a, vote.id, unit.u1, q1, 'Pro').expect(201);
      await cast(b, vote.id, unit.u2, q1, 'Pro').expect(201);
      const changed = await cast(b2, vote.id, unit.u2, q1, 'Proti').expect(201);
      expect(changed.body.supersedesBallotId).toEqual(expect.any(String));
      await cast(x, vote.id, unit.u4, q2, 'Pro').expect(201);
      await cast(c, vote.id, unit.u3, q2, 'Proti').expect(201);
      await cast(a, vote.id, unit.u1, q3, 'Pro').expect(201);
      await cast(c, vote.id, unit.u3, q3, 'Pro').expect(201);
      await cast(a, vote.id, unit.u1, q4, 'Pro').expect(201);
      await cast(x, vote.id, unit.u4, q4, 'Proti').expect(201);
      await cast(a, vote.id, unit.u1, q5, 'Pro').expect(201);
      await cast(b, vote.id, unit.u2, q5, 'Pro').expect(201);

      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      expect(closed.body).toMatchObject({
        status: 'closed',
        eligibleUnitCount: 4,
        eligibleWeight: { fraction: '1/1', percent: '100.00' },
        ballotCount: 11,
      });
      const result = (i: number) => closed.body.questions[i].result;
      expect(result(0)).toMatchObject({
        participatingWeight: { fraction: '1/2', percent: '50.00' },
        participatingUnits: 2,
        quorumReached: true,
        outcome: 'tie',
        winningOptionId: null,
      });
      expect(result(0).options.map((o: { weight: { fraction: string } }) => o.weight.fraction)).toEqual([
        '1/4',
        '1/4',
        '0/1',
      ]);
      expect(result(1)).toMatchObject({
        quorumReached: true,
        outcome: 'adopted',
        winningOptionId: option(q2, 'Pro'),
      });
      expect(result(1).options[0].weight.fraction).toBe('1/3');
      expect(result(2)).toMatchObject({
        participatingWeight: { fraction: '5/12' },
        outcome: 'adopted',
        winningOptionId: option(q3, 'Pro'),
      });
      expect(result(3)).toMatchObject({ quorumReached: true, outcome: 'no_majority', winningOptionId: null });
      expect(result(4)).toMatchObject({
        participatingWeight: { fraction: '1/2' },
        quorumReached: false,
        outcome: 'no_quorum',
      });

      // Owners read the results too.
      const seen = await api(c.token).get(`/votes/${vote.id}`).expect(200);
      expect(seen.body.questions[1].result.outcome).toBe('adopted');
    });

    it('takes one ballot per unit from co-owners (the last counts) and refuses ballots after close with 409', async () => {
      const vote = await opened();
      const [q] = vote.questions;
      await cast(b, vote.id, unit.u2, q, 'Proti').expect(201);
      await cast(b2, vote.id, unit.u2, q, 'Pro').expect(201);
      await cast(a, vote.id, unit.u1, q, 'Proti').expect(201);
      const participation = await admin().get(`/votes/${vote.id}/participation`).expect(200);
      expect(participation.body.total).toBe(2);
      expect(participation.body.items).toEqual(
        expect.arrayContaining([
          { unitId: unit.u2, questionId: q.id, personId: b2.personId, delegationId: null },
        ]),
      );
      const mine = await api(b.token).get(`/votes/${vote.id}`).expect(200);
      expect(mine.body.myUnits).toEqual([
        {
          unitId: unit.u2,
          weight: { fraction: '1/4', percent: '25.00' },
          right: 'owner',
          delegationId: null,
          votedQuestionIds: [q.id],
        },
      ]);

      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      expect(closed.body.questions[0].result).toMatchObject({ outcome: 'tie', quorumReached: true });
      const late = await cast(c, vote.id, unit.u3, q, 'Pro').expect(409);
      expect(late.body.error.code).toBe('VOTE_NOT_OPEN');
      const after = await admin().get(`/votes/${vote.id}`).expect(200);
      expect(after.body.ballotCount).toBe(3);
      expect(after.body.questions[0].result).toEqual(closed.body.questions[0].result);
      await admin().post(`/votes/${vote.id}/close`).expect(409);
    });

    it('keeps the snapshot taken on opening when shares and owners change later', async () => {
      const corner = await admin()
        .post('/buildings', {
          name: 'Nárožní',
          addressLine: 'Nárožní 1',
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
        })
        .expect(201);
      const flat = await newUnit(corner.body.id, '1', 1, 10);
      const seller = await resident('Prodávající', 'owner', [flat]);
      const vote = await opened({ buildingIds: [house, corner.body.id], questions: [yesNo('1/11')] });
      const [q] = vote.questions;
      const opening = await admin().get(`/votes/${vote.id}`).expect(200);
      expect(opening.body).toMatchObject({ eligibleUnitCount: 5, eligibleWeight: { fraction: '11/10' } });

      // 1/10 of 11/10 is exactly the quorum of 1/11. The flat is sold and its share corrected after opening.
      await admin()
        .patch(`/units/${flat}`, { ownershipShareNumerator: 9, ownershipShareDenominator: 10 })
        .expect(200);
      const buyer = await resident('Kupující', 'owner', [flat]);
      const refused = await cast(buyer, vote.id, flat, q, 'Pro').expect(403);
      expect(refused.body.error.code).toBe('NOT_ENTITLED_TO_VOTE');
      await cast(seller, vote.id, flat, q, 'Pro').expect(201);

      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      expect(closed.body.questions[0].result).toMatchObject({
        eligibleWeight: { fraction: '11/10' },
        participatingWeight: { fraction: '1/10' },
        quorumReached: true,
        outcome: 'adopted',
      });
    });

    it('counts units without a recorded owner in the eligible total: the quorum base is all shares (§ 1206, § 1208)', async () => {
      const block = await admin()
        .post('/buildings', {
          name: 'Bez vlastníka',
          addressLine: 'Bez vlastníka 3',
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
        })
        .expect(201);
      const owned = await newUnit(block.body.id, '1', 1, 2);
      const unrecorded = await newUnit(block.body.id, '2', 1, 2);
      const owner = await resident('Jediný', 'owner', [owned]);
      const vote = await opened({ buildingIds: [block.body.id], questions: [yesNo('2/3')] });
      const [q] = vote.questions;
      const detail = await admin().get(`/votes/${vote.id}`).expect(200);
      expect(detail.body).toMatchObject({ eligibleUnitCount: 2, eligibleWeight: { fraction: '1/1' } });
      // Nobody can vote for the unit without an owner.
      expect((await cast(owner, vote.id, unrecorded, q, 'Pro').expect(403)).body.error.code).toBe(
        'NOT_ENTITLED_TO_VOTE',
      );
      await cast(owner, vote.id, owned, q, 'Pro').expect(201);
      // Half of all shares took part: below a quorum of two thirds (counting only owned units, it would be all).
      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      expect(closed.body.questions[0].result).toMatchObject({
        eligibleWeight: { fraction: '1/1' },
        participatingWeight: { fraction: '1/2' },
        quorumReached: false,
        outcome: 'no_quorum',
      });
      const [opening] = await events(vote.id);
      expect(opening.payload).toMatchObject({ eligibleUnitCount: 2, eligibleWeight: '1/1' });
    });
  });

  describe('delegation', () => {
    it('lets the proxy vote, refuses the owner meanwhile, and is revocable only until the proxy votes', async () => {
      const vote = await opened();
      const [q] = vote.questions;
      const given = await api(c.token)
        .post(`/votes/${vote.id}/delegations`, { unitId: unit.u3, proxyPersonId: x.personId })
        .expect(201);
      expect(given.body).toMatchObject({ unitId: unit.u3, grantorPersonId: c.personId, revokedAt: null });
      const twice = await api(c.token)
        .post(`/votes/${vote.id}/delegations`, { unitId: unit.u3, proxyPersonId: a.personId })
        .expect(409);
      expect(twice.body.error.code).toBe('UNIT_ALREADY_DELEGATED');
      const own = await cast(c, vote.id, unit.u3, q, 'Pro').expect(409);
      expect(own.body.error.code).toBe('UNIT_DELEGATED');
      const proxyView = await api(x.token).get(`/votes/${vote.id}`).expect(200);
      expect(proxyView.body.myUnits).toMatchObject([
        { unitId: unit.u3, right: 'proxy', delegationId: given.body.id },
      ]);

      // Revoked before the proxy voted: the owner votes again; the proxy no longer even sees the vote.
      await api(c.token).post(`/votes/${vote.id}/delegations/${given.body.id}/revoke`).expect(200);
      const revoked = await cast(x, vote.id, unit.u3, q, 'Proti').expect(404);
      expect(revoked.body.error.code).toBe('VOTE_NOT_FOUND');
      await cast(c, vote.id, unit.u3, q, 'Pro').expect(201);

      // A manager records a paper power of attorney for u4; once the proxy voted it stays.
      const paper = await admin()
        .post(`/votes/${vote.id}/delegations`, { unitId: unit.u4, proxyPersonId: x.personId })
        .expect(422);
      expect(paper.body.error.code).toBe('GRANTOR_NOT_OWNER');
      const recorded = await admin()
        .post(`/votes/${vote.id}/delegations`, {
          unitId: unit.u4,
          proxyPersonId: x.personId,
          grantorPersonId: d.personId,
        })
        .expect(201);
      await cast(x, vote.id, unit.u4, q, 'Pro').expect(201);
      const late = await api(d.token)
        .post(`/votes/${vote.id}/delegations/${recorded.body.id}/revoke`)
        .expect(409);
      expect(late.body.error.code).toBe('PROXY_ALREADY_VOTED');
      await api(x.token).post(`/votes/${vote.id}/delegations/${recorded.body.id}/revoke`).expect(403);
      await api(a.token).post(`/votes/${vote.id}/delegations/${recorded.body.id}/revoke`).expect(404);

      const participation = await admin().get(`/votes/${vote.id}/participation`).expect(200);
      expect(participation.body.items).toEqual(
        expect.arrayContaining([
          { unitId: unit.u4, questionId: q.id, personId: x.personId, delegationId: recorded.body.id },
          { unitId: unit.u3, questionId: q.id, personId: c.personId, delegationId: null },
        ]),
      );
      const listed = await api(d.token).get(`/votes/${vote.id}/delegations`).expect(200);
      expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([recorded.body.id]);
      expect((await admin().get(`/votes/${vote.id}/delegations`).expect(200)).body.total).toBe(2);
    });
  });

  describe('tamper evidence', () => {
    it('returns a chain that verifies, and receipts that check against it', async () => {
      const vote = await opened({ questions: [yesNo(), yesNo()] });
      const [q1, q2] = vote.questions;
      const first = (await cast(a, vote.id, unit.u1, q1, 'Pro').expect(201)).body;
      expect(first).toMatchObject({ sequence: 1, previousHash: '0'.repeat(64), changeToken: null });
      const second = (await cast(b, vote.id, unit.u2, q2, 'Proti').expect(201)).body;
      expect(second.previousHash).toBe(first.hash);
      const third = (await cast(a, vote.id, unit.u1, q1, 'Proti').expect(201)).body;
      expect(third.supersedesBallotId).toBe(first.ballotId);

      const chain = await api(c.token).get(`/votes/${vote.id}/audit`).expect(200);
      expect(chain.body).toMatchObject({
        verified: true,
        brokenAtSequence: null,
        ballotCount: 3,
        headHash: third.hash,
      });
      expect(
        chain.body.entries.map((x: { sequence: number; counted: boolean }) => [x.sequence, x.counted]),
      ).toEqual([
        [1, false],
        [2, true],
        [3, true],
      ]);
      expect(chain.body.entries[0]).toMatchObject({
        unitId: unit.u1,
        castByPersonId: a.personId,
        weight: '1/4',
      });
      // Anyone can recompute the chain from the published algorithm.
      for (const entry of chain.body.entries) expect(recomputed(vote.id, entry)).toBe(entry.hash);

      const receipt = await api(a.token).get(`/votes/${vote.id}/receipts/${first.ballotId}`).expect(200);
      expect(receipt.body).toEqual({
        ballotId: first.ballotId,
        sequence: 1,
        hash: first.hash,
        intact: true,
        counted: false,
        chainVerified: true,
      });
      expect((await api(a.token).get(`/votes/${vote.id}/receipts/${third.ballotId}`)).body.counted).toBe(
        true,
      );
      await api(a.token).get(`/votes/${vote.id}/receipts/${randomUUID()}`).expect(404);
    });

    it('detects a ballot edited in the database at its position, and refuses to count the chain', async () => {
      const vote = await opened();
      const [q] = vote.questions;
      const receipts: { ballotId: string }[] = [];
      for (const [who, unitId] of [
        [a, unit.u1],
        [b, unit.u2],
        [c, unit.u3],
      ] as const) {
        receipts.push((await cast(who, vote.id, unitId, q, 'Proti').expect(201)).body);
      }
      await asOwner(server, (db) =>
        db.query(`UPDATE vote_ballots SET option_id = $1 WHERE vote_id = $2 AND sequence = 2`, [
          option(q, 'Pro'),
          vote.id,
        ]),
      );
      const chain = await admin().get(`/votes/${vote.id}/audit`).expect(200);
      expect(chain.body).toMatchObject({ verified: false, brokenAtSequence: 2, reason: 'hash_mismatch' });
      const check = (i: number) => api(a.token).get(`/votes/${vote.id}/receipts/${receipts[i].ballotId}`);
      expect((await check(0)).body).toMatchObject({ intact: true, chainVerified: false });
      expect((await check(1)).body).toMatchObject({ intact: false, chainVerified: false });

      // Rehashing the edited ballot moves the break to the next link, which names the old hash.
      const edited = chain.body.entries[1];
      await asOwner(server, (db) =>
        db.query(`UPDATE vote_ballots SET hash = $1 WHERE vote_id = $2 AND sequence = 2`, [
          recomputed(vote.id, edited),
          vote.id,
        ]),
      );
      const rehashed = await admin().get(`/votes/${vote.id}/audit`).expect(200);
      expect(rehashed.body).toMatchObject({
        verified: false,
        brokenAtSequence: 3,
        reason: 'previous_hash_mismatch',
      });

      const refused = await admin().post(`/votes/${vote.id}/close`).expect(409);
      expect(refused.body.error.code).toBe('BALLOT_CHAIN_BROKEN');
      expect((await admin().get(`/votes/${vote.id}`)).body.status).toBe('open');
      expect((await events(vote.id)).map((ev) => ev.type)).toEqual(['vote.opened']);
    });

    it('keeps a valid chain under concurrent ballots', async () => {
      const vote = await opened({ questions: [yesNo(), yesNo(), yesNo()] });
      const voters = [
        [a, unit.u1],
        [b, unit.u2],
        [b2, unit.u2],
        [c, unit.u3],
        [d, unit.u4],
      ] as const;
      const results = await Promise.all(
        vote.questions.flatMap((q, i) =>
          voters.map(([who, unitId], j) => cast(who, vote.id, unitId, q, (i + j) % 2 ? 'Pro' : 'Proti')),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(15).fill(201));
      expect(new Set(results.map((r) => r.body.sequence)).size).toBe(15);
      const chain = await admin().get(`/votes/${vote.id}/audit`).expect(200);
      expect(chain.body).toMatchObject({ verified: true, ballotCount: 15 });
      // u2's co-owners raced: each question still counts exactly one ballot per unit.
      expect(chain.body.entries.filter((x: { counted: boolean }) => x.counted)).toHaveLength(12);
      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      for (const q of closed.body.questions) expect(q.result.participatingUnits).toBe(4);
    });
  });

  describe('secret ballot', () => {
    it('keeps who voted apart from what they voted; a change needs the receipt’s token', async () => {
      const vote = await opened({ secret: true });
      const [q] = vote.questions;
      const first = (await cast(a, vote.id, unit.u1, q, 'Pro').expect(201)).body;
      expect(first.changeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await cast(b, vote.id, unit.u2, q, 'Proti').expect(201);

      const again = await cast(a, vote.id, unit.u1, q, 'Proti').expect(409);
      expect(again.body.error.code).toBe('CHANGE_TOKEN_REQUIRED');
      const forged = await cast(a, vote.id, unit.u1, q, 'Proti', 'x'.repeat(43)).expect(403);
      expect(forged.body.error.code).toBe('CHANGE_TOKEN_INVALID');
      const changed = (await cast(a, vote.id, unit.u1, q, 'Proti', first.changeToken).expect(201)).body;
      expect(changed.supersedesBallotId).toBe(first.ballotId);
      await cast(a, vote.id, unit.u1, q, 'Pro', first.changeToken).expect(403);

      // While the vote is open, the chain's entries and who took part are not published, only counts:
      // polling both side by side must not pair a voter with a ballot.
      const whileOpen = await api(c.token).get(`/votes/${vote.id}/audit`).expect(200);
      expect(whileOpen.body).toMatchObject({
        secret: true,
        verified: true,
        ballotCount: 3,
        entriesPublished: false,
        entries: [],
      });
      expect(whileOpen.body.headHash).toMatch(/^[0-9a-f]{64}$/);
      const counts = await admin().get(`/votes/${vote.id}/participation`).expect(200);
      expect(counts.body).toMatchObject({
        items: [],
        total: 2,
        hiddenUntilClose: true,
        byQuestion: [{ questionId: q.id, units: 2 }],
      });
      const stored = await asOwner(server, (db) =>
        db.query(`SELECT unit_id, cast_by_person_id, cast_at FROM vote_ballots WHERE vote_id = $1`, [
          vote.id,
        ]),
      );
      expect(
        stored.rows.every((r) => r.unit_id === null && r.cast_by_person_id === null && r.cast_at === null),
      ).toBe(true);
      const audit = await admin().get(`/audit-logs?entityType=vote&entityId=${vote.id}`).expect(200);
      expect(audit.body.items.map((i: { action: string }) => i.action)).not.toContain('vote.ballot_cast');

      const closed = await admin().post(`/votes/${vote.id}/close`).expect(200);
      // Closed: the chain is published (still without unit, person or time), and who took part.
      const chain = await api(c.token).get(`/votes/${vote.id}/audit`).expect(200);
      expect(chain.body).toMatchObject({ verified: true, ballotCount: 3, entriesPublished: true });
      expect(chain.body.entries).toHaveLength(3);
      for (const entry of chain.body.entries) {
        expect(entry).toMatchObject({ unitId: null, castByPersonId: null, castAt: null });
      }
      const participation = await admin().get(`/votes/${vote.id}/participation`).expect(200);
      expect(participation.body).toMatchObject({ hiddenUntilClose: false, total: 2 });
      expect(participation.body.items.map((p: { personId: string }) => p.personId).sort()).toEqual(
        [a.personId, b.personId].sort(),
      );
      expect(closed.body.questions[0].result).toMatchObject({
        participatingWeight: { fraction: '1/2' },
        outcome: 'adopted',
        winningOptionId: option(q, 'Proti'),
      });
      expect(closed.body.questions[0].result.options[1]).toMatchObject({
        weight: { fraction: '1/2' },
        units: 2,
      });
    });

    it('binds the change token to its unit: another unit cannot replace a ballot with it', async () => {
      const vote = await opened({ secret: true });
      const [q] = vote.questions;
      const mine = (await cast(a, vote.id, unit.u1, q, 'Pro').expect(201)).body;
      const theirs = (await cast(b, vote.id, unit.u2, q, 'Proti').expect(201)).body;

      const stolen = await cast(b, vote.id, unit.u2, q, 'Proti', mine.changeToken).expect(403);
      expect(stolen.body.error.code).toBe('CHANGE_TOKEN_INVALID');
      const receipt = await api(a.token).get(`/votes/${vote.id}/receipts/${mine.ballotId}`).expect(200);
      expect(receipt.body).toMatchObject({ counted: true, chainVerified: true });

      const changed = (await cast(a, vote.id, unit.u1, q, 'Proti', mine.changeToken).expect(201)).body;
      expect(changed.supersedesBallotId).toBe(mine.ballotId);
      const own = (await cast(b, vote.id, unit.u2, q, 'Pro', theirs.changeToken).expect(201)).body;
      expect(own.supersedesBallotId).toBe(theirs.ballotId);

      await admin().post(`/votes/${vote.id}/close`).expect(200);
      const chain = await admin().get(`/votes/${vote.id}/audit`).expect(200);
      expect(chain.body).toMatchObject({ verified: true, ballotCount: 4 });
      expect(
        chain.body.entries
          .filter((x: { counted: boolean }) => x.counted)
          .map((x: { ballotId: string }) => x.ballotId),
      ).toEqual([changed.ballotId, own.ballotId]);
    });
  });

  describe('life cycle, events and audit', () => {
    it('edits drafts only, writes vote.opened and vote.closed with the change, and audits every step', async () => {
      const vote = await draft();
      const edited = await admin()
        .patch(`/votes/${vote.id}`, { title: 'Mimořádné shromáždění', questions: [yesNo('2/3'), yesNo()] })
        .expect(200);
      expect(edited.body).toMatchObject({ title: 'Mimořádné shromáždění', version: 2, status: 'draft' });
      expect(edited.body.questions.map((q: { quorum: { fraction: string } }) => q.quorum.fraction)).toEqual([
        '2/3',
        '1/2',
      ]);
      expect(await events(vote.id)).toEqual([]);

      const opening = await admin().post(`/votes/${vote.id}/open`).expect(200);
      expect(opening.body).toMatchObject({ status: 'open', eligibleUnitCount: 4, version: 3 });
      const notDraft = await admin().patch(`/votes/${vote.id}`, { title: 'Too late' }).expect(409);
      expect(notDraft.body.error.code).toBe('VOTE_NOT_DRAFT');
      await cast(a, vote.id, unit.u1, edited.body.questions[0], 'Pro').expect(201);
      await admin().post(`/votes/${vote.id}/close`).expect(200);

      const written = await events(vote.id);
      expect(written.map((ev) => [ev.type, ev.aggregate_version])).toEqual([
        ['vote.opened', 3],
        ['vote.closed', 4],
      ]);
      expect(written[0].payload).toMatchObject({
        voteId: vote.id,
        eligibleUnitCount: 4,
        eligibleWeight: '1/1',
      });
      // The final chain head, to anchor the closed chain outside the database.
      const closedChain = await admin().get(`/votes/${vote.id}/audit`).expect(200);
      expect(closedChain.body.headHash).toMatch(/^[0-9a-f]{64}$/);
      expect(written[1].payload).toMatchObject({
        voteId: vote.id,
        chainHead: closedChain.body.headHash,
        ballotCount: 1,
        results: [
          { questionId: edited.body.questions[0].id, quorumReached: false, outcome: 'no_quorum' },
          { questionId: edited.body.questions[1].id, quorumReached: false, outcome: 'no_quorum' },
        ],
      });
      const audit = await admin().get(`/audit-logs?entityType=vote&entityId=${vote.id}`).expect(200);
      expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual([
        'vote.closed',
        'vote.ballot_cast',
        'vote.opened',
        'vote.updated',
        'vote.created',
      ]);
      const cancelled = await admin().post(`/votes/${vote.id}/cancel`).expect(409);
      expect(cancelled.body.error.code).toBe('INVALID_TRANSITION');
    });

    it('leaves no event and no change when a change fails', async () => {
      const empty = await admin()
        .post('/buildings', {
          name: 'Empty',
          addressLine: 'Empty 1',
          city: 'Praha',
          postalCode: '110 00',
          country: 'CZ',
        })
        .expect(201);
      const nobody = await draft({ buildingIds: [empty.body.id] });
      const refused = await admin().post(`/votes/${nobody.id}/open`).expect(422);
      expect(refused.body.error.code).toBe('NO_ELIGIBLE_UNITS');
      expect((await admin().get(`/votes/${nobody.id}`)).body).toMatchObject({ status: 'draft', version: 1 });
      expect(await events(nobody.id)).toEqual([]);

      const weightless = await admin()
        .post('/buildings', {
          name: 'Weightless',
          addressLine: 'Weightless 1',
          city: 'Praha',
          postalCode: '110 00',
          country: 'CZ',
        })
        .expect(201);
      const noShare = await newUnit(weightless.body.id, '1', 0, 1);
      await resident('Nula', 'owner', [noShare]);
      const zero = await draft({ buildingIds: [weightless.body.id] });
      const noWeight = await admin().post(`/votes/${zero.id}/open`).expect(422);
      expect(noWeight.body.error.code).toBe('NO_ELIGIBLE_WEIGHT');
      expect((await admin().get(`/votes/${zero.id}`)).body).toMatchObject({ status: 'draft', version: 1 });
      expect(await events(zero.id)).toEqual([]);

      const written = await opened({ kind: 'written', endAt: new Date(Date.now() + 16 * DAY).toISOString() });
      const early = await admin().post(`/votes/${written.id}/close`).expect(409);
      expect(early.body.error.code).toBe('VOTING_PERIOD_RUNNING');
      expect((await events(written.id)).map((ev) => ev.type)).toEqual(['vote.opened']);

      await admin().post(`/votes/${written.id}/cancel`).expect(200);
      expect((await events(written.id)).map((ev) => ev.type)).toEqual(['vote.opened', 'vote.cancelled']);
    });

    it('validates the period, quorums, options and ballots', async () => {
      const now = Date.now();
      const short = await admin()
        .post('/votes', {
          title: 'Per rollam',
          kind: 'written',
          startAt: new Date(now).toISOString(),
          endAt: new Date(now + 14 * DAY).toISOString(),
          questions: [yesNo()],
        })
        .expect(422);
      expect(short.body.error.code).toBe('INVALID_VOTING_PERIOD');
      const quorum = await admin()
        .post('/votes', {
          title: 'Bad quorum',
          kind: 'meeting',
          startAt: new Date(now).toISOString(),
          endAt: new Date(now + DAY).toISOString(),
          questions: [yesNo('3/2')],
        })
        .expect(422);
      expect(quorum.body.error).toMatchObject({
        code: 'INVALID_QUORUM',
        details: [{ field: 'questions.0.quorum' }],
      });
      const invalid = await admin()
        .post('/votes', {
          title: 'x',
          kind: 'assembly',
          startAt: 'tomorrow',
          endAt: new Date(now + DAY).toISOString(),
          questions: [{ text: 'Only one option', quorum: 'half', options: [{ label: 'Pro' }] }],
        })
        .expect(400);
      expect(invalid.body.error.details.map((i: { field: string }) => i.field)).toEqual(
        expect.arrayContaining(['title', 'kind', 'startAt']),
      );
      const unknownBuilding = await admin()
        .post('/votes', {
          title: 'Elsewhere',
          kind: 'meeting',
          buildingIds: [randomUUID()],
          startAt: new Date(now).toISOString(),
          endAt: new Date(now + DAY).toISOString(),
          questions: [yesNo()],
        })
        .expect(404);
      expect(unknownBuilding.body.error.code).toBe('BUILDING_NOT_FOUND');

      const vote = await opened({ questions: [yesNo(), yesNo()] });
      const [q1, q2] = vote.questions;
      const wrongOption = await api(a.token)
        .post(`/votes/${vote.id}/ballots`, {
          unitId: unit.u1,
          questionId: q1.id,
          optionId: option(q2, 'Pro'),
        })
        .expect(422);
      expect(wrongOption.body.error.code).toBe('OPTION_NOT_IN_QUESTION');
      const notInVote = await cast(e, vote.id, unit.u5, q1, 'Pro').expect(404);
      expect(notInVote.body.error.code).toBe('VOTE_NOT_FOUND');
      const foreignUnit = await cast(a, vote.id, unit.u5, q1, 'Pro').expect(404);
      expect(foreignUnit.body.error.code).toBe('UNIT_NOT_ELIGIBLE');
      const notMine = await cast(a, vote.id, unit.u2, q1, 'Pro').expect(403);
      expect(notMine.body.error.code).toBe('NOT_ENTITLED_TO_VOTE');
    });
  });

  describe('permissions', () => {
    it('shows owners only the votes that concern them, never drafts; only managers run votes', async () => {
      const hidden = await draft();
      const vote = await opened();
      await api(a.token).get(`/votes/${hidden.id}`).expect(404);
      const listed = await api(a.token).get('/votes?limit=100').expect(200);
      const ids = listed.body.items.map((v: { id: string }) => v.id);
      expect(ids).toContain(vote.id);
      expect(ids).not.toContain(hidden.id);
      expect(
        (await admin().get('/votes?limit=100&status=draft')).body.items.map((v: { id: string }) => v.id),
      ).toContain(hidden.id);

      // e owns a unit of the other building only; x is a tenant without a delegation.
      await api(e.token).get(`/votes/${vote.id}`).expect(404);
      expect(
        (await api(e.token).get('/votes?limit=100')).body.items.map((v: { id: string }) => v.id),
      ).not.toContain(vote.id);
      await api(x.token).get(`/votes/${vote.id}`).expect(404);
      await api(x.token).get(`/votes/${vote.id}/audit`).expect(404);

      await api(a.token).post('/votes', { title: 'Mine' }).expect(403);
      await api(a.token).post(`/votes/${vote.id}/close`).expect(403);
      await api(a.token).get(`/votes/${vote.id}/participation`).expect(403);
      const technician = await registerAndLogin(http(), 'technik');
      await addMember(http(), org.adminToken, org.id, technician.email, 'technical_manager');
      const techToken = (await login(http(), technician.email, undefined, org.id)).accessToken;
      await api(techToken).get('/votes').expect(403);
    });

    it('answers another organisation with 404 and changes nothing', async () => {
      const vote = await opened();
      const [q] = vote.questions;
      await cast(a, vote.id, unit.u1, q, 'Pro').expect(201);
      const outsider = api(other.adminToken);
      const before = (await admin().get(`/votes/${vote.id}`)).body;

      const attempts = [
        outsider.get(`/votes/${vote.id}`),
        outsider.patch(`/votes/${vote.id}`, { title: 'Hijacked' }),
        outsider.post(`/votes/${vote.id}/close`),
        outsider.post(`/votes/${vote.id}/cancel`),
        outsider.get(`/votes/${vote.id}/audit`),
        outsider.get(`/votes/${vote.id}/participation`),
        outsider.get(`/votes/${vote.id}/delegations`),
        outsider.post(`/votes/${vote.id}/ballots`, {
          unitId: unit.u1,
          questionId: q.id,
          optionId: option(q, 'Proti'),
        }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect([res.status, res.body.error.code]).toEqual([404, 'VOTE_NOT_FOUND']);
      }
      expect((await outsider.get('/votes')).body.total).toBe(0);
      expect((await admin().get(`/votes/${vote.id}`)).body).toEqual(before);
      expect((await events(vote.id)).map((ev) => ev.type)).toEqual(['vote.opened']);
    });
  });
});
