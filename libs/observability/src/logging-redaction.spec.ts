import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './logging.module';

/** The redaction the request logger is configured with (LoggingModule): bearer tokens never reach a line. */
describe('log redaction', () => {
  it('redacts the bearer token a WebSocket upgrade carries as a subprotocol, like the Authorization header', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer header.token.value',
            'sec-websocket-protocol': 'bearer, protocol.token.value',
            'user-agent': 'test',
          },
        },
      },
      'upgrade',
    );
    const line = JSON.parse(lines[0] as string) as { req: { headers: Record<string, string> } };
    expect(line.req.headers).toEqual({
      authorization: '[redacted]',
      'sec-websocket-protocol': '[redacted]',
      'user-agent': 'test',
    });
    expect(lines.join('')).not.toContain('token.value');
  });
});
