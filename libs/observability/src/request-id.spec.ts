import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdMiddleware, requestIdOf } from './request-id';

function runWith(header?: string) {
  const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as IncomingMessage & {
    id?: string;
  };
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as ServerResponse;
  const next = jest.fn();
  requestIdMiddleware(req, res, next);
  return { id: requestIdOf(req), echoed: headers['X-Request-Id'], next };
}

describe('requestIdMiddleware', () => {
  it('keeps a well-formed incoming id and echoes it', () => {
    const { id, echoed, next } = runWith('abc-123_x.y:z');
    expect(id).toBe('abc-123_x.y:z');
    expect(echoed).toBe(id);
    expect(next).toHaveBeenCalledTimes(1);
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['<script>'], ['']])('replaces %j with a UUID', (header) => {
    const { id, echoed } = runWith(header);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(echoed).toBe(id);
  });

  it('generates a different id for each request without one', () => {
    expect(runWith().id).not.toBe(runWith().id);
  });
});
