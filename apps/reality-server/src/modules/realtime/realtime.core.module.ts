import { Module } from '@nestjs/common';
import { RealtimeModule, realtimeSettingsOf } from '@ppt/realtime';
import { RealityServerEnv } from '../../reality-server.env';
import { PortalRealtimeAuthenticator } from './portal-realtime.authenticator';
import { PortalRoomPolicy } from './portal-room-policy';

/**
 * The portal's hub: no outbox here, its services publish visitor events directly
 * (RealtimePublisher, exported for them).
 */
@Module({
  imports: [
    RealtimeModule.forRoot({
      inject: [RealityServerEnv],
      useFactory: (env: RealityServerEnv) => ({
        app: 'reality-server',
        settings: realtimeSettingsOf(env),
        organizationEvents: false,
      }),
      authenticator: PortalRealtimeAuthenticator,
      policy: PortalRoomPolicy,
    }),
  ],
  exports: [RealtimeModule],
})
export class PortalRealtimeCoreModule {}
