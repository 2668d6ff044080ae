import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

export { BaseEntity } from './base.entity';
export { MEMBERSHIP_ROLES, Membership, type MembershipRole } from './membership.entity';
export { Organization } from './organization.entity';
export { User } from './user.entity';

/** Every entity of the PM schema, for DataSource definitions. */
export const PM_ENTITIES = [Organization, User, Membership];
