import { Module } from '@nestjs/common';
import { RealtimeCoreModule } from '@ppt/api-community-core';
import { RealtimeGateway } from './realtime.gateway';

/** The WebSocket endpoint `/ws` (the gateway is this feature's "controller"). */
@Module({ imports: [RealtimeCoreModule], providers: [RealtimeGateway] })
export class RealtimeHttpModule {}
