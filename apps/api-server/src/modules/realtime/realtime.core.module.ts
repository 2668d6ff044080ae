import { Module } from '@nestjs/common';
import { RealtimeModule, realtimeSettingsOf } from '@ppt/realtime';
import { ApiServerEnv } from '../../api-server.env';
import { BuildingsModule } from '../buildings/buildings.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UnitsModule } from '../units/units.module';
import { ApiRealtimeAuthenticator } from './api-realtime.authenticator';
import { ApiRoomPolicy } from './api-room-policy';

/** The hub for the PM API: events from the outbox relay's organisation channels, rooms by membership. */
@Module({
  imports: [
    RealtimeModule.forRoot({
      imports: [SessionsModule, BuildingsModule, UnitsModule],
      inject: [ApiServerEnv],
      useFactory: (env: ApiServerEnv) => ({
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
