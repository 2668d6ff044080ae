import { LEASE_STATUSES } from '@ppt/api-db';
import { canTransition } from './lease-status';

describe('lease status transitions', () => {
  it('allows exactly draft→active, active→terminated and active→expired', () => {
    const allowed = LEASE_STATUSES.flatMap((from) =>
      LEASE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(['active→expired', 'active→terminated', 'draft→active']);
  });
});
