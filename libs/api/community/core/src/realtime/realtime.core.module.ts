import { Module } from '@nestjs/common';
import { RealtimeModule, realtimeSettingsOf } from '@ppt/realtime';
import { SessionsModule } from '@ppt/api-identity-core';
import { BuildingsCoreModule, UnitsCoreModule } from '@ppt/api-property-core';
import { RealtimeEnv } from './realtime.env';
import { ApiRealtimeAuthenticator } from './api-realtime.authenticator';
import { ApiRoomPolicy } from './api-room-policy';

/** The hub for the PM API: events from the outbox relay's organisation channels, rooms by membership. */
@Module({
  imports: [
    RealtimeModule.forRoot({
      imports: [SessionsModule, BuildingsCoreModule, UnitsCoreModule],
      inject: [RealtimeEnv],
      useFactory: (env: RealtimeEnv) => ({
        app: 'api-server',
        settings: realtimeSettingsOf(env),
        organizationEvents: true,
      }),
      authenticator: ApiRealtimeAuthenticator,
      policy: ApiRoomPolicy,
    }),
  ],
  exports: [RealtimeModule],
})
export class RealtimeCoreModule {}
