import { FAULT_STATUSES } from '@ppt/api-db';
import { can, Permission } from '@ppt/auth';
import { canTransition, dueAt } from './fault-rules';

const isStaff = (role: never) => can({ role }, Permission.FaultManage);

describe('fault rules', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = FAULT_STATUSES.flatMap((from) =>
      FAULT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'in_progress→resolved',
        'new→rejected',
        'new→triaged',
        'resolved→closed',
        'resolved→in_progress',
        'triaged→in_progress',
        'triaged→rejected',
      ].sort(),
    );
  });

  it('derives the due date from the priority', () => {
    const t = new Date('2026-11-21T10:00:00Z');
    expect(dueAt(t, 'urgent').toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(dueAt(t, 'high').toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(dueAt(t, 'normal').toISOString()).toBe('2026-11-28T10:00:00.000Z');
    expect(dueAt(t, 'low').toISOString()).toBe('2026-12-21T10:00:00.000Z');
  });

  it('treats admins and managers as staff, residents and realtors not', () => {
    expect(['org_admin', 'manager', 'technical_manager'].every((r) => isStaff(r as never))).toBe(true);
    expect(['owner', 'tenant', 'realtor'].some((r) => isStaff(r as never))).toBe(false);
  });
});
