import { Injectable } from '@nestjs/common';
import { roomName, type RealtimeIdentity, type Room, type RoomAccess, type RoomPolicy } from '@ppt/realtime';

/** A visitor has one room on the portal: their own (favourites, saved searches, inquiries). */
@Injectable()
export class PortalRoomPolicy implements RoomPolicy {
  defaultRooms(identity: RealtimeIdentity): string[] {
    return [roomName('user', identity.userId)];
  }

  accessFor(identity: RealtimeIdentity): RoomAccess {
    return { mayJoin: async (room: Room) => room.kind === 'user' && room.id === identity.userId };
  }
}
