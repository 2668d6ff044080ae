import { canTransition, fitsTransaction, isOnMarket, mayManage } from './listing-rules';

describe('listing rules', () => {
  it('allows the market flow and refuses going back to draft or leaving a final state', () => {
    expect(canTransition('draft', 'published')).toBe(true);
    expect(canTransition('published', 'reserved')).toBe(true);
    expect(canTransition('reserved', 'published')).toBe(true);
    expect(canTransition('withdrawn', 'published')).toBe(true);
    expect(canTransition('published', 'draft')).toBe(false);
    expect(canTransition('draft', 'sold')).toBe(false);
    expect(canTransition('sold', 'published')).toBe(false);
    expect(canTransition('rented', 'withdrawn')).toBe(false);
  });

  it('ends a sale sold and a rental rented', () => {
    expect(fitsTransaction('sold', 'sale')).toBe(true);
    expect(fitsTransaction('sold', 'rent')).toBe(false);
    expect(fitsTransaction('rented', 'sale')).toBe(false);
    expect(fitsTransaction('withdrawn', 'rent')).toBe(true);
  });

  it('shows published and reserved listings on the market', () => {
    expect(isOnMarket('published')).toBe(true);
    expect(isOnMarket('reserved')).toBe(true);
    expect(isOnMarket('withdrawn')).toBe(false);
  });

  it('lets realtors manage only their own listings', () => {
    expect(mayManage('manager', 'u1', 'u2')).toBe(true);
    expect(mayManage('realtor', 'u1', 'u1')).toBe(true);
    expect(mayManage('realtor', 'u1', 'u2')).toBe(false);
    expect(mayManage('realtor', 'u1', null)).toBe(false);
  });
});
