/**
 * A member's role in an organisation: the values of the `membership_role` enum. Shared by the PM's
 * `Membership` entity (@ppt/api-db), the role → permission table (@ppt/auth) and the portal's view of an
 * SSO token, so it lives below all three rather than in the PM entities.
 */
export const MEMBERSHIP_ROLES = [
  'org_admin',
  'manager',
  'technical_manager',
  'owner',
  'tenant',
  'realtor',
] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];
