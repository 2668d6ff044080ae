import { IdentityFoundation1795297800000 } from './1795297800000-identity-foundation';

/** Every migration, oldest first. Listed explicitly so bundlers and tests need no file globbing. */
export const MIGRATIONS = [IdentityFoundation1795297800000];
