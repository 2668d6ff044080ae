import { uuidV5 } from './uuid-v5';

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector and is stable per name', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5('sreality:1', dns)).toBe(uuidV5('sreality:1', dns));
    expect(uuidV5('sreality:1', dns)).not.toBe(uuidV5('openimmo:1', dns));
  });
});
