import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { RealtimeHub } from '@ppt/realtime';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/** `/ws` on the portal's HTTP port, for signed-in visitors (docs/realtime.md). */
@WebSocketGateway({ path: '/ws' })
export class PortalRealtimeGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket> {
  constructor(private readonly hub: RealtimeHub) {}

  afterInit(server: WebSocketServer): void {
    this.hub.configure(server);
  }

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    this.hub.accept(socket, req);
  }
}
