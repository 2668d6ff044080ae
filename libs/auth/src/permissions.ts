import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';

/**
 * What a caller may do, named by capability. Routes say `@RequirePermission(Permission.X)`; rules ask
 * `can(actor, Permission.X, resource?)`. Which roles hold which permission is decided in one place:
 * `ROLE_PERMISSIONS` below (docs/permissions.md is generated from it: `npm run docs:permissions`).
 */
export enum Permission {
  /** Own account: profile, sessions, password, e-mail, invitations addressed to oneself. */
  AccountManage = 'account.manage',
  /** Create organisations and reach the ones one belongs to (the service checks membership). */
  OrganizationUse = 'organization.use',
  /** Rename an organisation, invite members, withdraw invitations. */
  OrganizationManage = 'organization.manage',
  MemberRead = 'member.read',
  /** Change members' roles and remove members. */
  MemberManage = 'member.manage',
  AuditRead = 'audit.read',

  BuildingRead = 'building.read',
  BuildingManage = 'building.manage',
  /** See units (own: the units one owns or lives in). */
  UnitRead = 'unit.read',
  /** Create, change and delete units and their occupants. */
  UnitManage = 'unit.manage',
  PersonManage = 'person.manage',
  /** See leases (own: the resident's). */
  LeaseRead = 'lease.read',
  LeaseManage = 'lease.manage',
  MeterRead = 'meter.read',
  /** Submit readings (own: of one's own units); replacement readings need MeterManage. */
  MeterReadingSubmit = 'meter.reading.submit',
  /** Register meters, see reading periods, enter replacement readings. */
  MeterManage = 'meter.manage',
  ReadingPeriodManage = 'reading-period.manage',
  InspectionManage = 'inspection.manage',
  VendorManage = 'vendor.manage',
  VendorDelete = 'vendor.delete',
  /** Report faults (own: in one's own home) and reach the faults API. */
  FaultReport = 'fault.report',
  /** See and comment on faults (own: the ones one reported). */
  FaultRead = 'fault.read',
  /** Triage, assign, change and move faults through their states; be an assignee. */
  FaultManage = 'fault.manage',

  AnnouncementRead = 'announcement.read',
  /** Write, schedule, publish and archive announcements; see receipts and every announcement. */
  AnnouncementManage = 'announcement.manage',
  /** Talk in conversations (the organisation the token acts in is checked by the service). */
  ConversationUse = 'conversation.use',
  /** Write to any member, hear every building-wide conversation (others write to these people only). */
  ConversationWithAnyone = 'conversation.with-anyone',
  ConversationOpenBuilding = 'conversation.open-building',
  NotificationUse = 'notification.use',
  /** See and cast ballots, delegate (own: one's own units' votes). */
  VoteParticipate = 'vote.participate',
  /** Run votes: create, open, close, cancel; see participation and everything about every vote. */
  VoteManage = 'vote.manage',

  /** Upload and see documents (own: what the document rules let a resident or realtor see). */
  DocumentRead = 'document.read',
  /** Manage every document and see all of them. */
  DocumentManage = 'document.manage',
  /** Manage photo documents (the photos of listings). */
  DocumentPhotoManage = 'document.photo.manage',

  /** See balances, charges and payments (own: of one's own units and person). */
  FinanceRead = 'finance.read',
  /** Charges, payments, reversals, expenses, building finance summaries. */
  FinanceManage = 'finance.manage',

  /** Create and run listings (own: the listings one is the contact of); be a listing's contact. */
  ListingManage = 'listing.manage',
  /** See portal configuration and syndication state, run the preflight. */
  SyndicationRead = 'syndication.read',
  /** Configure portals, choose a listing's portals, retry and withdraw; receive portal alerts. */
  SyndicationManage = 'syndication.manage',

  /** Chat with the assistant over the documents one may see (own conversations only). */
  AssistantUse = 'assistant.use',
  /** Ask the assistant for drafts (summaries and the drafts one's other permissions allow) and edit them. */
  AssistantDraft = 'assistant.draft',
  /** Choose the organisation's LLM provider, model, key and budgets. */
  AssistantConfigure = 'assistant.configure',

  /** Operator actions across organisations (platform audit log, disabling users and OAuth clients). */
  PlatformOperate = 'platform.operate',
}

/** Every signed-in person, with or without an organisation. */
export const SIGNED_IN = 'signed_in';
/** A platform administrator (users.is_platform_admin): an operator, not an organisation role. */
export const PLATFORM_ADMIN = 'platform_admin';
export type Role = typeof SIGNED_IN | MembershipRole | typeof PLATFORM_ADMIN;
/** The rows of the table, in the order the matrix shows them. */
export const ROLES: readonly Role[] = [SIGNED_IN, ...MEMBERSHIP_ROLES, PLATFORM_ADMIN];

/** `all`: on every resource of the organisation; `own`: only on the actor's own (see `can`). */
export type Grant = 'all' | 'own';

const P = Permission;
const all = (...permissions: Permission[]) => Object.fromEntries(permissions.map((p) => [p, 'all' as const]));
const own = (...permissions: Permission[]) => Object.fromEntries(permissions.map((p) => [p, 'own' as const]));

/** Organisation administrators and managers share what runs the property. */
const MANAGING = all(
  P.AuditRead,
  P.BuildingRead,
  P.BuildingManage,
  P.UnitRead,
  P.UnitManage,
  P.PersonManage,
  P.LeaseRead,
  P.LeaseManage,
  P.MeterRead,
  P.MeterReadingSubmit,
  P.MeterManage,
  P.ReadingPeriodManage,
  P.InspectionManage,
  P.VendorManage,
  P.VendorDelete,
  P.FaultReport,
  P.FaultRead,
  P.FaultManage,
  P.AnnouncementRead,
  P.AnnouncementManage,
  P.ConversationWithAnyone,
  P.ConversationOpenBuilding,
  P.VoteParticipate,
  P.VoteManage,
  P.DocumentRead,
  P.DocumentManage,
  P.DocumentPhotoManage,
  P.FinanceRead,
  P.FinanceManage,
  P.ListingManage,
  P.SyndicationRead,
  P.SyndicationManage,
  P.MemberRead,
  P.AssistantDraft,
);

/** Owners and tenants: their own home. */
const RESIDENT = {
  ...all(P.AnnouncementRead, P.FaultReport),
  ...own(
    P.UnitRead,
    P.LeaseRead,
    P.MeterRead,
    P.MeterReadingSubmit,
    P.FaultRead,
    P.VoteParticipate,
    P.DocumentRead,
    P.FinanceRead,
  ),
};

/** The one role → permissions table. Nothing else in the code lists roles. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, Readonly<Partial<Record<Permission, Grant>>>>> = {
  [SIGNED_IN]: {
    ...own(P.AccountManage, P.NotificationUse),
    ...all(P.OrganizationUse, P.ConversationUse, P.AssistantUse),
  },
  org_admin: { ...MANAGING, ...all(P.OrganizationManage, P.MemberManage, P.AssistantConfigure) },
  manager: MANAGING,
  technical_manager: {
    ...all(
      P.BuildingRead,
      P.UnitRead,
      P.MeterRead,
      P.MeterReadingSubmit,
      P.MeterManage,
      P.InspectionManage,
      P.VendorManage,
      P.FaultReport,
      P.FaultRead,
      P.FaultManage,
      P.AnnouncementRead,
      P.ConversationWithAnyone,
      P.DocumentRead,
      P.DocumentManage,
      P.DocumentPhotoManage,
      P.MemberRead,
      P.AssistantDraft,
    ),
  },
  owner: RESIDENT,
  tenant: RESIDENT,
  realtor: {
    ...all(P.AnnouncementRead, P.DocumentPhotoManage, P.SyndicationRead, P.AssistantDraft),
    ...own(P.DocumentRead, P.ListingManage),
  },
  // Operators pass every route check; rules on a resource still judge the role they hold in the
  // organisation (their membership), as before the permission model.
  [PLATFORM_ADMIN]: all(...Object.values(Permission)),
};

/** Who acts: the role in the current organisation, and (for route checks) the platform flag. */
export interface Actor {
  role: MembershipRole | null;
  userId?: string;
  platformAdmin?: boolean;
}

/** A resource for an `own` grant: the user it belongs to (a fault's reporter, a listing's contact). */
export interface OwnedResource {
  ownerUserId: string | null;
}

function rolesOf(actor: Actor): Role[] {
  const roles: Role[] = [SIGNED_IN];
  if (actor.role) roles.push(actor.role);
  if (actor.platformAdmin) roles.push(PLATFORM_ADMIN);
  return roles;
}

/** The widest grant the actor's roles give for the permission (null: none). */
export function grantOf(actor: Actor, permission: Permission): Grant | null {
  let grant: Grant | null = null;
  for (const role of rolesOf(actor)) {
    const g = ROLE_PERMISSIONS[role][permission];
    if (g === 'all') return 'all';
    if (g === 'own') grant = 'own';
  }
  return grant;
}

/**
 * Whether the actor may do this. Without a resource: on everything (an `own` grant answers false, so
 * `can(t, Permission.FaultRead)` asks "does this caller see every fault?"). With a resource: an `own`
 * grant answers true when the resource is the actor's.
 */
export function can(actor: Actor, permission: Permission, resource?: OwnedResource): boolean {
  const grant = grantOf(actor, permission);
  if (grant === 'all') return true;
  return grant === 'own' && resource !== undefined && !!actor.userId && resource.ownerUserId === actor.userId;
}

/** The organisation roles that hold the permission (any grant), e.g. for "members who may be assignees". */
export function rolesWith(permission: Permission, grant?: Grant): MembershipRole[] {
  return MEMBERSHIP_ROLES.filter((role) => {
    const g = ROLE_PERMISSIONS[role][permission];
    return grant ? g === grant : g !== undefined;
  });
}
