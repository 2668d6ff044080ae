import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { permissionMatrix, permissionsDocument } from './permission-matrix';
import { can, grantOf, Permission, rolesWith } from './permissions';

describe('permission matrix', () => {
  it('docs/permissions.md is the document generated from the table (npm run docs:permissions)', () => {
    // The whole matrix, role × permission, for the reader of the test log.
    process.stdout.write(`${permissionMatrix()}\n`);
    const committed = readFileSync(join(__dirname, '../../../docs/permissions.md'), 'utf8');
    expect(committed).toBe(permissionsDocument());
  });

  it('answers own grants only for the actor’s own resource', () => {
    const realtor = { role: 'realtor' as const, userId: 'u1' };
    expect(grantOf(realtor, Permission.ListingManage)).toBe('own');
    expect(can(realtor, Permission.ListingManage)).toBe(false);
    expect(can(realtor, Permission.ListingManage, { ownerUserId: 'u1' })).toBe(true);
    expect(can(realtor, Permission.ListingManage, { ownerUserId: 'u2' })).toBe(false);
    expect(can(realtor, Permission.ListingManage, { ownerUserId: null })).toBe(false);
    expect(can({ role: 'manager', userId: 'u1' }, Permission.ListingManage, { ownerUserId: 'u2' })).toBe(
      true,
    );
    expect(can({ role: 'tenant', userId: 'u1' }, Permission.ListingManage, { ownerUserId: 'u1' })).toBe(
      false,
    );
  });

  it('gives everyone signed in their own account, operators everything, nobody without a grant anything', () => {
    expect(can({ role: null }, Permission.OrganizationUse)).toBe(true);
    expect(grantOf({ role: null }, Permission.AccountManage)).toBe('own');
    expect(can({ role: null }, Permission.FaultReport)).toBe(false);
    expect(can({ role: null, platformAdmin: true }, Permission.PlatformOperate)).toBe(true);
    expect(can({ role: 'org_admin' }, Permission.PlatformOperate)).toBe(false);
  });

  it('lists the organisation roles holding a permission', () => {
    expect(rolesWith(Permission.FaultManage)).toEqual(['org_admin', 'manager', 'technical_manager']);
    expect(rolesWith(Permission.ListingManage)).toEqual(['org_admin', 'manager', 'realtor']);
    expect(rolesWith(Permission.ListingManage, 'own')).toEqual(['realtor']);
    expect(rolesWith(Permission.PlatformOperate)).toEqual([]);
  });
});
