import { Injectable } from '@nestjs/common';
import { grantOf, Permission } from '@ppt/auth';
import type { MembershipRole } from '@ppt/db';
import { AppError } from '@ppt/observability';
import {
  roomName,
  type RealtimeEvent,
  type RealtimeIdentity,
  type Room,
  type RoomAccess,
  type RoomPolicy,
} from '@ppt/realtime';
import type { Tenant } from '@ppt/api-shared';
import { BuildingsService, UnitsService } from '@ppt/api-property-core';
import { BUILDING_WIDE_OWN, permissionOfEvent } from './event-permissions';

/** Where a resident lives now: since when, per unit and per building (the earliest of its units). */
interface Residence {
  units: Map<string, number>;
  buildings: Map<string, number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && UUID.test(v));

/**
 * Who may join which room and receive which event, through the permission table (libs/auth) and the
 * features' own services (so row-level security and their rules apply).
 *
 * Joining: the org room with an `all` BuildingRead; a building with an `all` BuildingRead (it exists in
 * the organisation) or an `own` UnitRead (one lives or owns in it); a unit with an `all` UnitRead or an
 * `own` UnitRead on it; one's own user room.
 *
 * Receiving: each event type needs the permission of the HTTP route that shows it (EVENT_PERMISSIONS).
 * An `all` grant receives it in every room it is in; an `own` grant (residents, realtors) only when the
 * event is theirs (they reported the fault, are the listing's contact, it concerns their unit, or, for
 * a vote, their building) and happened after they moved in (replays included). User rooms are not
 * filtered (they carry what is addressed to that person). The residence is read again every time the
 * hub rechecks the socket's rooms (RoomAccess.refresh).
 */
@Injectable()
export class ApiRoomPolicy implements RoomPolicy {
  constructor(
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
  ) {}

  defaultRooms(identity: RealtimeIdentity): string[] {
    return [roomName('user', identity.userId)];
  }

  accessFor(identity: RealtimeIdentity): RoomAccess {
    const tenant: Tenant | null =
      identity.organizationId && identity.role
        ? { organizationId: identity.organizationId, userId: identity.userId, role: identity.role as MembershipRole }
        : null;
    /** The last residence read (mayReceive is synchronous); kept while a newer one loads. */
    let known: Residence | undefined;
    let loading: Promise<Residence> | undefined;
    const residenceOf = (t: Tenant): Promise<Residence> =>
      (loading ??= this.units.residence(t).then(
        (rows) => {
          const units = new Map<string, number>();
          const buildings = new Map<string, number>();
          for (const { unitId, buildingId, since } of rows) {
            units.set(unitId, since.getTime());
            buildings.set(buildingId, Math.min(buildings.get(buildingId) ?? Infinity, since.getTime()));
          }
          return (known = { units, buildings });
        },
        (err: unknown) => {
          loading = undefined;
          throw err;
        },
      ));
    return {
      mayJoin: async (room: Room) => {
        if (room.kind === 'user') return room.id === identity.userId;
        if (!tenant) return false;
        switch (room.kind) {
          case 'org':
            return grantOf(tenant, Permission.BuildingRead) === 'all' && room.id === tenant.organizationId;
          case 'building':
            if (grantOf(tenant, Permission.BuildingRead) === 'all')
              return exists(() => this.buildings.get(tenant, room.id));
            return grantOf(tenant, Permission.UnitRead) === 'own' && (await residenceOf(tenant)).buildings.has(room.id);
          case 'unit':
            if (grantOf(tenant, Permission.UnitRead) === 'all') return exists(() => this.units.get(tenant, room.id));
            return grantOf(tenant, Permission.UnitRead) === 'own' && (await residenceOf(tenant)).units.has(room.id);
        }
      },
      mayReceive: (room: Room, event: RealtimeEvent) => {
        if (room.kind === 'user') return true;
        const permission = permissionOfEvent(event.type);
        if (!tenant || !permission) return false;
        const grant = grantOf(tenant, permission);
        if (grant === 'all') return true;
        if (grant !== 'own' || room.kind === 'org') return false;
        const p = event.payload;
        const owner = p['reporterUserId'] ?? p['contactUserId'];
        if (typeof owner === 'string' && owner === tenant.userId) return true;
        const home = known;
        if (!home) return false;
        const occurred = Date.parse(event.occurredAt);
        const after = (since: number | undefined) => since !== undefined && Number.isFinite(occurred) && occurred >= since;
        const units = idsOf(p['unitId']);
        if (units.length > 0) return units.some((id) => after(home.units.get(id)));
        if (p['unitId'] === null || !BUILDING_WIDE_OWN.has(permission)) return false;
        return [...idsOf(p['buildingId']), ...idsOf(p['buildingIds'])].some((id) => after(home.buildings.get(id)));
      },
      // Only a residence changes under an open socket (a role change ends it): staff rooms are not rechecked.
      ...(tenant && grantOf(tenant, Permission.UnitRead) === 'own'
        ? {
            refresh: () => {
              loading = undefined;
            },
          }
        : {}),
    };
  }
}

/** Whether the service finds it (its not-found error is an answer, anything else is thrown on). */
async function exists(find: () => Promise<unknown>): Promise<boolean> {
  try {
    await find();
    return true;
  } catch (err) {
    if (err instanceof AppError && (err.status === 404 || err.status === 403)) return false;
    throw err;
  }
}
