import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { RealtimeHub } from '@ppt/realtime';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * `/ws` on the HTTP port (WsAdapter): the socket is handed to the hub, which authenticates it and
 * speaks the protocol of docs/realtime.md. Frames are not dispatched through Nest's message handlers
 * (the hub answers malformed frames itself).
 */
@WebSocketGateway({ path: '/ws' })
export class RealtimeGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket> {
  constructor(private readonly hub: RealtimeHub) {}

  afterInit(server: WebSocketServer): void {
    this.hub.configure(server);
  }

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    this.hub.accept(socket, req);
  }
}
