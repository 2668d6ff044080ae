import { Module } from '@nestjs/common';
import { PortalRealtimeCoreModule } from './realtime.core.module';
import { PortalRealtimeGateway } from './realtime.gateway';

/** The visitors' WebSocket endpoint `/ws`. */
@Module({ imports: [PortalRealtimeCoreModule], providers: [PortalRealtimeGateway] })
export class PortalRealtimeHttpModule {}
