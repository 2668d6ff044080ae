import { ballotHash, GENESIS_HASH, verifyChain, type BallotContent, type ChainLink } from './ballot-chain';
import { rightToVote } from './vote-rules';

function chainOf(contents: Omit<BallotContent, 'sequence'>[]): ChainLink[] {
  const links: ChainLink[] = [];
  let previous = GENESIS_HASH;
  contents.forEach((c, i) => {
    const content = { ...c, sequence: i + 1 };
    const hash = ballotHash(previous, content);
    links.push({ ...content, previousHash: previous, hash });
    previous = hash;
  });
  return links;
}

const ballot = (ballotId: string, optionId: string): Omit<BallotContent, 'sequence'> => ({
  ballotId,
  voteId: 'vote',
  questionId: 'q1',
  optionId,
  weight: '1/10',
  unitId: `unit-${ballotId}`,
  castByPersonId: 'person',
  castAt: '2026-12-01T17:00:00.000Z',
  supersedesBallotId: null,
  changeTokenHash: null,
});

describe('ballot chain', () => {
  const links = chainOf([ballot('a', 'yes'), ballot('b', 'no'), ballot('c', 'yes')]);
  const head = { hash: links[2].hash, count: 3 };

  it('verifies an untouched chain, and an empty one against an empty head', () => {
    expect(verifyChain(links, head)).toEqual({ verified: true, brokenAtSequence: null, reason: null });
    expect(verifyChain([], { hash: null, count: 0 }).verified).toBe(true);
  });

  it('finds an edited ballot where it sits', () => {
    const edited = links.map((l) => (l.sequence === 2 ? { ...l, optionId: 'yes' } : l));
    expect(verifyChain(edited, head)).toEqual({
      verified: false,
      brokenAtSequence: 2,
      reason: 'hash_mismatch',
    });
  });

  it('finds an edited ballot whose hash was recomputed, at the next link', () => {
    const edited = links.map((l) =>
      l.sequence === 2
        ? { ...l, optionId: 'yes', hash: ballotHash(l.previousHash, { ...l, optionId: 'yes' }) }
        : l,
    );
    expect(verifyChain(edited, head)).toMatchObject({
      brokenAtSequence: 3,
      reason: 'previous_hash_mismatch',
    });
  });

  it('finds removed and reordered ballots', () => {
    expect(verifyChain([links[0], links[2]], head)).toMatchObject({
      brokenAtSequence: 2,
      reason: 'sequence_gap',
    });
    expect(verifyChain(links.slice(0, 2), head)).toMatchObject({
      brokenAtSequence: 3,
      reason: 'head_mismatch',
    });
  });

  it('changes the hash with every field of the content', () => {
    const base = links[0];
    const fields: (keyof BallotContent)[] = [
      'ballotId',
      'voteId',
      'questionId',
      'optionId',
      'weight',
      'unitId',
    ];
    for (const field of fields) {
      expect(ballotHash(GENESIS_HASH, { ...base, [field]: 'other' })).not.toBe(base.hash);
    }
    expect(ballotHash(GENESIS_HASH, { ...base, sequence: 9 })).not.toBe(base.hash);
  });
});

describe('rightToVote', () => {
  const unit = { ownerPersonIds: ['owner-1', 'owner-2'] };

  it('lets any co-owner vote when nobody holds a proxy', () => {
    expect(rightToVote(['owner-2'], unit, null)).toEqual({
      kind: 'owner',
      personId: 'owner-2',
      delegationId: null,
    });
    expect(rightToVote(['stranger'], unit, null)).toEqual({ kind: 'none' });
  });

  it('gives the vote to the proxy while the delegation is in force', () => {
    const delegation = { id: 'd', proxyPersonId: 'proxy' };
    expect(rightToVote(['proxy'], unit, delegation)).toEqual({
      kind: 'proxy',
      personId: 'proxy',
      delegationId: 'd',
    });
    expect(rightToVote(['owner-1'], unit, delegation)).toEqual({ kind: 'delegated' });
  });
});
