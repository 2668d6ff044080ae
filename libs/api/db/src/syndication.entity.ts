import {
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { Listing } from './listing.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Organization } from './organization.entity';

export const SYNDICATION_PORTALS = ['reality-portal', 'sreality', 'openimmo', 'webhook'] as const;
export type SyndicationPortal = (typeof SYNDICATION_PORTALS)[number];
export const SYNDICATION_STATUSES = [
  'pending',
  'syncing',
  'active',
  'failed',
  'removing',
  'removed',
] as const;
export type SyndicationStatus = (typeof SYNDICATION_STATUSES)[number];

/**
 * A portal an organisation publishes to. Credentials (and the secrets the portal signs its webhooks
 * with) are sealed with the platform's SecretBox, bound to the organisation and portal, and never
 * leave the server again.
 */
@Entity('portal_targets')
@Index('uq_portal_targets_org_portal', ['organizationId', 'portal'], { unique: true })
export class PortalTarget extends TenantEntity {
  @Column({ type: 'enum', enum: SYNDICATION_PORTALS, enumName: 'syndication_portal' })
  portal!: SyndicationPortal;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'text', nullable: true })
  credentialsSealed!: string | null;

  @Column({ type: 'text', nullable: true })
  inboundSecretsSealed!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  options!: Record<string, unknown>;

  /** The portal refused these credentials: jobs stop calling it until new ones are saved. */
  @Column({ type: 'timestamptz', nullable: true })
  credentialsRejectedAt!: Date | null;
}

/** Where one listing stands on one portal. */
@Entity('listing_syndications')
@Index('uq_listing_syndications_org_listing_portal', ['organizationId', 'listingId', 'portal'], {
  unique: true,
})
@Index('uq_listing_syndications_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_listing_syndications_org_status', ['organizationId', 'status'])
@Index('ix_listing_syndications_portal_external', ['portal', 'externalId'])
export class ListingSyndication extends TenantEntity {
  @Column({ type: 'uuid' })
  listingId!: string;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('listing_id'))
  listing?: Listing;

  @Column({ type: 'enum', enum: SYNDICATION_PORTALS, enumName: 'syndication_portal' })
  portal!: SyndicationPortal;

  @Column({ type: 'enum', enum: SYNDICATION_STATUSES, enumName: 'syndication_status', default: 'pending' })
  status!: SyndicationStatus;

  /** What the portal should show: 'listed' or 'removed', at the listing version of the latest change. */
  @Column({ type: 'varchar', length: 10, default: 'listed' })
  wanted!: 'listed' | 'removed';

  /** A manager took the listing off this portal: changes do not list it again until it is republished. */
  @Column({ type: 'boolean', default: false })
  held!: boolean;

  @Column({ type: 'integer' })
  wantedVersion!: number;

  /** The listing version the portal last confirmed. */
  @Column({ type: 'integer', nullable: true })
  syncedVersion!: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  externalId!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  externalUrl!: string | null;

  /** Counts status changes: the version of this row's syndication.status_changed events. */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  /** Attempts of the current job (reset when a new change arrives). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  lastErrorCode!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  lastError!: string | null;

  /** The portal's own code for its last refusal (e.g. Sreality `452`, an HTTP status). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  lastPortalStatus!: string | null;

  /** The portal's own status text, one short line (never a response body). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  lastPortalMessage!: string | null;

  /** One id per planned change (delivery intent): kept by retries, new for the next change. */
  @Column({ type: 'uuid' })
  @Generated('uuid')
  intentId!: string;
}

/** Every status change of a listing on a portal: the history the manager reads. */
@Entity('syndication_transitions')
@Index('ix_syndication_transitions_org_syndication', ['organizationId', 'syndicationId', 'createdAt'])
export class ListingSyndicationTransition extends TenantRecord {
  @Column({ type: 'uuid' })
  syndicationId!: string;

  @ManyToOne(() => ListingSyndication, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('syndication_id'))
  syndication?: ListingSyndication;

  @Column({ type: 'enum', enum: SYNDICATION_STATUSES, enumName: 'syndication_status', nullable: true })
  fromStatus!: SyndicationStatus | null;

  @Column({ type: 'enum', enum: SYNDICATION_STATUSES, enumName: 'syndication_status' })
  toStatus!: SyndicationStatus;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  detail!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** A portal webhook already applied (deduplication by the portal's event id). */
@Entity('portal_webhook_receipts')
@Index('uq_portal_webhook_receipts_org_portal_event', ['organizationId', 'portal', 'eventId'], {
  unique: true,
})
// The nightly expiry of old receipts (see migration 1795357000000).
@Index('ix_portal_webhook_receipts_received_at', ['receivedAt'])
export class PortalWebhookReceipt extends TenantRecord {
  @Column({ type: 'enum', enum: SYNDICATION_PORTALS, enumName: 'syndication_portal' })
  portal!: SyndicationPortal;

  @Column({ type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 100 })
  eventType!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}

/** Per listing, portal and day: what the portal reported (views, favourites, inquiries). */
@Entity('listing_portal_stats')
export class ListingPortalStats {
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @PrimaryColumn({ type: 'uuid' })
  listingId!: string;

  @ManyToOne(() => Listing, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('listing_id'))
  listing?: Listing;

  @PrimaryColumn({ type: 'enum', enum: SYNDICATION_PORTALS, enumName: 'syndication_portal' })
  portal!: SyndicationPortal;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  views!: number;

  @Column({ type: 'integer', default: 0 })
  favorites!: number;

  @Column({ type: 'integer', default: 0 })
  inquiries!: number;
}
