import {
  bindNamed,
  fuseByRank,
  prefixQuery,
  queryWords,
  RRF_K,
  type RankedChunk,
} from './document-search.sql';

const chunk = (id: string): RankedChunk => ({
  id,
  documentId: `doc-${id}`,
  documentTitle: id,
  versionId: `doc-${id}`,
  page: null,
  chunkIndex: 0,
  text: id,
  score: 0,
});

describe('document search SQL helpers', () => {
  it('binds named and spread parameters, leaving casts alone', () => {
    expect(
      bindNamed(`SELECT :a::vector, :b, :a WHERE x IN (:...ids) AND y = 'x'::text`, {
        a: '[1]',
        b: 2,
        ids: ['p', 'q'],
      }),
    ).toEqual([`SELECT $1::vector, $2, $1 WHERE x IN ($3, $4) AND y = 'x'::text`, ['[1]', 2, 'p', 'q']]);
    expect(() => bindNamed('SELECT :missing', {})).toThrow(/missing/);
  });

  it('makes a prefix query of folded words only (no tsquery syntax gets through)', () => {
    expect(queryWords(`Pojištění & domu | !x ' "a" (výtah):*`)).toEqual(['pojisteni', 'domu', 'vytah']);
    expect(prefixQuery(['pojist', 'dom'])).toBe('pojist:* | dom');
  });

  it('fuses rankings by reciprocal rank: found by both beats first in one', () => {
    const fused = fuseByRank(
      [
        [chunk('a'), chunk('b'), chunk('c')],
        [chunk('c'), chunk('d'), chunk('b')],
      ],
      3,
    );
    expect(fused.map((c) => c.id)).toEqual(['c', 'b', 'a']);
    expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1));
  });
});
