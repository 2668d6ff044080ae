/**
 * One event frame for every socket of a room, built once: the JSON encoded once and the WebSocket
 * frame around it (RFC 6455 §5.2: FIN + text opcode, unmasked as every server frame is, 7-, 16- or
 * 64-bit payload length) built once, so a broadcast to 10,000 sockets costs one write per socket.
 * ws' own `send` would frame it again for each socket and write header and payload as two buffers
 * (the broadcast case ws' maintainers exposed `Sender.frame` for: websockets/ws#617, #1016).
 */
export class BroadcastFrame {
  /** Header and payload, ready for the socket's transport. */
  readonly wire: Buffer;
  /** The UTF-8 payload alone (a view into `wire`), for sockets that need ws' framing. */
  readonly payload: Buffer;

  constructor(readonly text: string) {
    const length = Buffer.byteLength(text);
    const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    this.wire = Buffer.allocUnsafe(headerLength + length);
    this.wire[0] = 0x80 | 0x1; // FIN, text
    if (length < 126) {
      this.wire[1] = length;
    } else if (length < 65_536) {
      this.wire[1] = 126;
      this.wire.writeUInt16BE(length, 2);
    } else {
      this.wire[1] = 127;
      this.wire.writeBigUInt64BE(BigInt(length), 2);
    }
    this.wire.write(text, headerLength, 'utf8');
    this.payload = this.wire.subarray(headerLength);
  }
}
