import {
  currentBallots,
  fraction,
  formatFraction,
  meetsMajority,
  parseShare,
  percent,
  sum,
  tallyQuestion,
  type Fraction,
  type TallyInput,
} from './vote-arithmetic';

const YES = { id: 'yes', abstain: false };
const NO = { id: 'no', abstain: false };
const ABSTAIN = { id: 'abstain', abstain: true };
const f = (n: number, d = 1) => fraction(n, d);
const ballot = (optionId: string, weight: Fraction) => ({ optionId, weight });

function question(overrides: Partial<TallyInput>): TallyInput {
  return {
    eligibleWeight: f(1),
    quorum: f(1, 2),
    majority: 'simple',
    options: [YES, NO, ABSTAIN],
    ballots: [],
    ...overrides,
  };
}

describe('fractions', () => {
  it('add shares with different denominators exactly', () => {
    expect(formatFraction(sum([f(1, 3), f(1, 7), f(11, 21)]))).toBe('1/1');
    expect(formatFraction(sum([f(1, 10), f(2, 10)]))).toBe('3/10');
    // The float sum is 0.30000000000000004.
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('parse quorums as fractions or percentages, up to 1', () => {
    expect(parseShare('1/2')).toEqual(f(1, 2));
    expect(parseShare('2/3')).toEqual(f(2, 3));
    expect(parseShare('50%')).toEqual(f(1, 2));
    expect(parseShare('33.33%')).toEqual(f(3333, 10000));
    expect(parseShare('100%')).toEqual(f(1));
    expect(parseShare('0%')).toEqual(f(0));
    expect(parseShare('3/2')).toBeNull();
    expect(parseShare('101%')).toBeNull();
    expect(parseShare('1/0')).toBeNull();
    expect(parseShare('half')).toBeNull();
  });

  it('show percentages rounded half up', () => {
    expect(percent(f(1, 3))).toBe('33.33');
    expect(percent(f(2, 3))).toBe('66.67');
    expect(percent(f(1, 8))).toBe('12.50');
    expect(percent(f(1))).toBe('100.00');
  });
});

describe('majority rules', () => {
  it('simple needs more than half of the participating weight', () => {
    expect(meetsMajority('simple', f(1, 2), f(1))).toBe(false);
    expect(meetsMajority('simple', f(501, 1000), f(1))).toBe(true);
  });

  it('two thirds is reached exactly at two thirds', () => {
    expect(meetsMajority('two_thirds', f(2, 3), f(1))).toBe(true);
    expect(meetsMajority('two_thirds', sum([f(1, 3), f(1, 3)]), f(1))).toBe(true);
    expect(meetsMajority('two_thirds', f(6666, 10000), f(1))).toBe(false);
  });

  it('unanimous needs all of the participating weight', () => {
    expect(meetsMajority('unanimous', f(3, 4), f(3, 4))).toBe(true);
    expect(meetsMajority('unanimous', f(74, 100), f(3, 4))).toBe(false);
    expect(meetsMajority('unanimous', f(0), f(0))).toBe(false);
  });
});

describe('tallyQuestion', () => {
  it('reaches the quorum exactly at it, and not a hair below', () => {
    const at = tallyQuestion(question({ ballots: [ballot('yes', f(1, 3)), ballot('no', f(1, 6))] }));
    expect(at).toMatchObject({ participatingWeight: '1/2', quorumReached: true, outcome: 'adopted' });
    const below = tallyQuestion(
      question({
        ballots: [ballot('yes', f(1, 3)), ballot('no', f(1, 6))],
        eligibleWeight: f(1000001, 1000000),
      }),
    );
    expect(below).toMatchObject({ quorumReached: false, outcome: 'no_quorum', winningOptionId: null });
  });

  it('weights by share, not by head count', () => {
    const result = tallyQuestion(
      question({ ballots: [ballot('yes', f(6, 10)), ballot('no', f(1, 10)), ballot('no', f(1, 10))] }),
    );
    expect(result).toMatchObject({ outcome: 'adopted', winningOptionId: 'yes', participatingUnits: 3 });
    expect(result.options).toEqual([
      { optionId: 'yes', weight: '3/5', units: 1 },
      { optionId: 'no', weight: '1/5', units: 2 },
      { optionId: 'abstain', weight: '0/1', units: 0 },
    ]);
  });

  it('has no winner on a tie', () => {
    const result = tallyQuestion(question({ ballots: [ballot('yes', f(1, 4)), ballot('no', f(2, 8))] }));
    expect(result).toMatchObject({ outcome: 'tie', winningOptionId: null, quorumReached: true });
  });

  it('counts abstentions as taking part, so they can deny a simple majority', () => {
    const result = tallyQuestion(
      question({ ballots: [ballot('yes', f(4, 10)), ballot('no', f(2, 10)), ballot('abstain', f(4, 10))] }),
    );
    expect(result).toMatchObject({
      participatingWeight: '1/1',
      outcome: 'no_majority',
      winningOptionId: null,
    });
    const onlyAbstained = tallyQuestion(question({ ballots: [ballot('abstain', f(1))] }));
    expect(onlyAbstained.outcome).toBe('no_majority');
  });

  it('applies two-thirds and unanimous rules to the participating weight', () => {
    const ballots = [ballot('yes', f(2, 6)), ballot('yes', f(2, 6)), ballot('no', f(2, 6))];
    expect(tallyQuestion(question({ majority: 'two_thirds', ballots })).outcome).toBe('adopted');
    expect(tallyQuestion(question({ majority: 'unanimous', ballots })).outcome).toBe('no_majority');
    const all = [ballot('yes', f(1, 2)), ballot('yes', f(1, 4))];
    expect(tallyQuestion(question({ majority: 'unanimous', ballots: all }))).toMatchObject({
      outcome: 'adopted',
      winningOptionId: 'yes',
    });
  });

  it('refuses a ballot for an option of another question', () => {
    expect(() => tallyQuestion(question({ ballots: [ballot('elsewhere', f(1))] }))).toThrow(RangeError);
  });

  it('never reaches a quorum without eligible weight', () => {
    expect(tallyQuestion(question({ eligibleWeight: f(0), quorum: f(0) })).outcome).toBe('no_quorum');
  });
});

describe('currentBallots', () => {
  it('keeps only ballots no later ballot supersedes', () => {
    const chain = [
      { id: 'a', supersedesBallotId: null },
      { id: 'b', supersedesBallotId: null },
      { id: 'c', supersedesBallotId: 'a' },
      { id: 'd', supersedesBallotId: 'c' },
    ];
    expect(currentBallots(chain).map((b) => b.id)).toEqual(['b', 'd']);
  });
});
