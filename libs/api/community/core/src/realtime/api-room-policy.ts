import { Injectable } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { AppError } from '@ppt/observability';
import { roomName, type RealtimeIdentity, type Room, type RoomAccess, type RoomPolicy } from '@ppt/realtime';
import type { Tenant } from '@ppt/api-shared';
import { BuildingsService, UnitsService, type ListUnitsQueryDto } from '@ppt/api-property-core';

/** Roles that see the whole organisation (the same list as ResidentScope's). */
const STAFF: readonly string[] = ['org_admin', 'manager', 'technical_manager'];
/** Units a resident's socket considers (a resident holds a handful). */
const RESIDENT_UNITS = 100;

/**
 * Who may join which room, through the features' own services (so row-level security and their
 * rules apply): staff of the token's organisation its org room and every building and unit in it;
 * owners and tenants the units they currently own or live in and those units' buildings; everyone
 * their own user room only. Decided per socket: a role or organisation change ends the socket (4401).
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
    let residence: Promise<{ unitIds: Set<string>; buildingIds: Set<string> }> | undefined;
    const residenceOf = (t: Tenant) =>
      (residence ??= this.units
        .list(t, { limit: RESIDENT_UNITS, offset: 0, sort: 'number' } as ListUnitsQueryDto)
        .then((page) => ({
          unitIds: new Set(page.items.map((u) => u.id)),
          buildingIds: new Set(page.items.map((u) => u.buildingId)),
        })));
    return {
      mayJoin: async (room: Room) => {
        if (room.kind === 'user') return room.id === identity.userId;
        if (!tenant) return false;
        const staff = STAFF.includes(tenant.role);
        const resident = tenant.role === 'owner' || tenant.role === 'tenant';
        switch (room.kind) {
          case 'org':
            return staff && room.id === tenant.organizationId;
          case 'building':
            if (staff) return exists(() => this.buildings.get(tenant, room.id));
            return resident && (await residenceOf(tenant)).buildingIds.has(room.id);
          case 'unit':
            if (staff) return exists(() => this.units.get(tenant, room.id));
            return resident && (await residenceOf(tenant)).unitIds.has(room.id);
        }
      },
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
