import { can, Permission } from '@ppt/auth';
import type { ListingStatus, ListingTransaction } from '@ppt/api-db';
import type { MembershipRole } from '@ppt/db';

/**
 * draft → published; published ⇄ reserved; published/reserved → sold (sales) or rented (rentals),
 * or withdrawn; withdrawn → published (back on the market). Sold and rented are final.
 */
const TRANSITIONS: Record<ListingStatus, readonly ListingStatus[]> = {
  draft: ['published', 'withdrawn'],
  published: ['reserved', 'sold', 'rented', 'withdrawn'],
  reserved: ['published', 'sold', 'rented', 'withdrawn'],
  sold: [],
  rented: [],
  withdrawn: ['published'],
};

export function canTransition(from: ListingStatus, to: ListingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A sale ends sold, a rental ends rented. */
export function fitsTransaction(to: ListingStatus, transaction: ListingTransaction): boolean {
  return !(to === 'sold' && transaction !== 'sale') && !(to === 'rented' && transaction !== 'rent');
}

/** Shown on portals (their read models keep these and drop the rest). */
export function isOnMarket(status: ListingStatus): boolean {
  return status === 'published' || status === 'reserved';
}

export function isClosed(status: ListingStatus): boolean {
  return status === 'sold' || status === 'rented';
}

/** Managers run every listing; a realtor runs the listings they are the contact of. */
export function mayManage(role: MembershipRole, userId: string, contactUserId: string | null): boolean {
  return can({ role, userId }, Permission.ListingManage, { ownerUserId: contactUserId });
}
