import { IdentityEnv } from '@ppt/api-identity-core';
import { MailEnv } from '@ppt/api-shared';
import { ServiceTestContext, TEST_REQUEST_META as meta, type TestMember } from '@ppt/api-testing';
import { OutboxEvent, Vote, type Building, type Organization } from '@ppt/api-db';
import type { CreateVoteDto } from '../index';
import { VotesCoreModule, VotesService } from '../index';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const yesNo = (quorum = '1/2') => ({
  text: 'Schválení rozpočtu',
  quorum,
  options: [{ label: 'Pro' }, { label: 'Proti' }, { label: 'Zdržel se', abstain: true }],
});

describe('VotesService (service tier)', () => {
  let ctx: ServiceTestContext;
  let votes: VotesService;
  let org: Organization;
  let manager: TestMember;
  let house: Building;

  // async: create() refuses a bad period or quorum before it returns a promise.
  const draft = async (overrides: Partial<CreateVoteDto> = {}) =>
    votes.create(
      manager,
      {
        title: 'Shromáždění',
        kind: 'meeting',
        buildingIds: [house.id],
        startAt: new Date(Date.now() - HOUR).toISOString(),
        endAt: new Date(Date.now() + 2 * DAY).toISOString(),
        questions: [yesNo()],
        ...overrides,
      },
      meta,
    );
  const events = async (voteId: string) =>
    (
      await ctx.owner
        .getRepository(OutboxEvent)
        .find({ where: { aggregateId: voteId }, order: { aggregateVersion: 'ASC' } })
    ).map((e) => [e.type, e.aggregateVersion]);

  beforeAll(async () => {
    ctx = await ServiceTestContext.create({ imports: [VotesCoreModule], envSlices: [IdentityEnv, MailEnv] });
    votes = ctx.get(VotesService);
    org = await ctx.newOrganization();
    manager = await ctx.newMember(org, 'manager');
    house = await ctx.newBuilding(org);
    await ctx.newUnit(house, { ownershipShareNumerator: 1, ownershipShareDenominator: 4 });
    await ctx.newUnit(house, { ownershipShareNumerator: 3, ownershipShareDenominator: 4 });
  });
  afterAll(() => ctx.close());

  it('validates the period, the quorum and the buildings in scope before writing anything', async () => {
    const now = Date.now();
    await expect(
      draft({
        kind: 'written',
        startAt: new Date(now).toISOString(),
        endAt: new Date(now + 14 * DAY).toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_VOTING_PERIOD', status: 422 });
    await expect(draft({ endAt: new Date(now - 2 * HOUR).toISOString() })).rejects.toMatchObject({
      code: 'INVALID_VOTING_PERIOD',
    });
    await expect(draft({ questions: [yesNo(), yesNo('3/2')] })).rejects.toMatchObject({
      code: 'INVALID_QUORUM',
      details: [{ field: 'questions.1.quorum' }],
    });
    const elsewhere = await ctx.newBuilding(await ctx.newOrganization());
    await expect(draft({ buildingIds: [elsewhere.id] })).rejects.toMatchObject({
      code: 'BUILDING_NOT_FOUND',
      status: 404,
    });
    expect(await ctx.owner.getRepository(Vote).countBy({ organizationId: org.id })).toBe(0);
  });

  it('moves draft → open → closed, edits drafts only, and writes each event with the change', async () => {
    const vote = await draft();
    const edited = await votes.update(
      manager,
      vote.id,
      { title: 'Mimořádné shromáždění', questions: [yesNo('2/3'), yesNo()] },
      meta,
    );
    expect(edited).toMatchObject({ title: 'Mimořádné shromáždění', status: 'draft', version: 2 });
    expect(await events(vote.id)).toEqual([]);

    const opened = await votes.open(manager, vote.id, meta);
    expect(opened).toMatchObject({ status: 'open', eligibleUnitCount: 2, version: 3 });
    await expect(votes.update(manager, vote.id, { title: 'Too late' }, meta)).rejects.toMatchObject({
      code: 'VOTE_NOT_DRAFT',
      status: 409,
    });
    await expect(votes.open(manager, vote.id, meta)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });

    expect(await votes.close(manager, vote.id, meta)).toMatchObject({ status: 'closed', version: 4 });
    expect(await events(vote.id)).toEqual([
      ['vote.opened', 3],
      ['vote.closed', 4],
    ]);
    await expect(votes.cancel(manager, vote.id, meta)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      status: 409,
    });
  });

  it('refuses to open a vote whose scope has no units or no weight, and leaves it a draft without an event', async () => {
    const empty = await ctx.newBuilding(org);
    const nobody = await draft({ buildingIds: [empty.id] });
    await expect(votes.open(manager, nobody.id, meta)).rejects.toMatchObject({
      code: 'NO_ELIGIBLE_UNITS',
      status: 422,
    });
    expect(await votes.get(manager, nobody.id)).toMatchObject({ status: 'draft', version: 1 });

    const weightless = await ctx.newBuilding(org);
    await ctx.newUnit(weightless, { ownershipShareNumerator: 0, ownershipShareDenominator: 1 });
    const zero = await draft({ buildingIds: [weightless.id] });
    await expect(votes.open(manager, zero.id, meta)).rejects.toMatchObject({
      code: 'NO_ELIGIBLE_WEIGHT',
      status: 422,
    });
    expect(await votes.get(manager, zero.id)).toMatchObject({ status: 'draft', version: 1 });
    expect([...(await events(nobody.id)), ...(await events(zero.id))]).toEqual([]);
  });

  it('keeps a written vote open until its end and announces a cancellation only of an open vote', async () => {
    const written = await draft({ kind: 'written', endAt: new Date(Date.now() + 16 * DAY).toISOString() });
    await votes.open(manager, written.id, meta);
    await expect(votes.close(manager, written.id, meta)).rejects.toMatchObject({
      code: 'VOTING_PERIOD_RUNNING',
      status: 409,
    });
    await votes.cancel(manager, written.id, meta);
    expect((await events(written.id)).map(([type]) => type)).toEqual(['vote.opened', 'vote.cancelled']);

    const quiet = await draft();
    expect(await votes.cancel(manager, quiet.id, meta)).toMatchObject({ status: 'cancelled' });
    expect(await events(quiet.id)).toEqual([]);
  });

  it("gives a manager of another organisation none of this organisation's votes", async () => {
    const vote = await draft();
    const stranger = await ctx.newMember(await ctx.newOrganization(), 'manager');
    await expect(votes.get(stranger, vote.id)).rejects.toMatchObject({ code: 'VOTE_NOT_FOUND', status: 404 });
    await expect(votes.open(stranger, vote.id, meta)).rejects.toMatchObject({ code: 'VOTE_NOT_FOUND' });
    await expect(votes.cancel(stranger, vote.id, meta)).rejects.toMatchObject({ code: 'VOTE_NOT_FOUND' });
    expect(await ctx.asTenant(stranger, (m) => m.countBy(Vote, { id: vote.id }))).toBe(0);
    expect(await votes.get(manager, vote.id)).toMatchObject({ status: 'draft', version: 1 });
  });
});
