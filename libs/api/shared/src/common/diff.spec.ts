import { changedFields } from './diff';

describe('changedFields', () => {
  it('lists only the fields whose values changed', () => {
    expect(
      changedFields({ name: 'A', city: 'Brno', floors: 3 }, { name: 'B', city: 'Brno', floors: 3 }),
    ).toEqual({
      name: { before: 'A', after: 'B' },
    });
  });

  it('treats a create as every field from null and a delete as every field to null', () => {
    expect(changedFields(null, { name: 'A' })).toEqual({ name: { before: null, after: 'A' } });
    expect(changedFields({ name: 'A' }, null)).toEqual({ name: { before: 'A', after: null } });
  });

  it('compares dates by value and ignores bookkeeping timestamps', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(
      changedFields(
        { archivedAt: t, updatedAt: new Date() },
        { archivedAt: new Date(t), updatedAt: new Date(0) },
      ),
    ).toEqual({});
    expect(changedFields({ archivedAt: null }, { archivedAt: t })).toEqual({
      archivedAt: { before: null, after: '2026-01-01T00:00:00.000Z' },
    });
  });
});
