import { scrubSentryEvent, scrubText } from './sentry-scrub';

describe('scrubSentryEvent (Sentry beforeSend)', () => {
  const event = {
    event_id: 'abc',
    message: 'Login failed for jana.novakova@example.com',
    user: { id: 'u-1', email: 'jana.novakova@example.com', ip_address: '198.51.100.7', username: 'jana' },
    tags: { request_id: 'r-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', organization_id: 'o-1' },
    request: {
      url: 'https://api.example/api/v1/auth/login',
      method: 'POST',
      query_string: 'token=abc123',
      cookies: { sid: 'session-cookie' },
      data: '{"email":"jana.novakova@example.com","password":"hunter2"}',
      headers: {
        Authorization: 'Bearer eyJhbGciOi.secret.token',
        Cookie: 'sid=session-cookie',
        'X-Api-Key': 'key-123',
        'User-Agent': 'curl/8',
      },
    },
    extra: {
      body: { password: 'hunter2' },
      document: { title: 'Lease', content: 'Confidential lease text' },
      note: 'called with Bearer abc.def.ghi by petr@example.org',
      refreshToken: 'rt-1',
      clientSecret: 's-1',
    },
    exception: { values: [{ type: 'Error', value: 'No account for petr@example.org' }] },
  };

  it('removes passwords, tokens, cookies, authorization headers, e-mail addresses and document contents', () => {
    const out = scrubSentryEvent(structuredClone(event));
    const text = JSON.stringify(out);
    for (const secret of [
      'hunter2',
      'eyJhbGciOi',
      'session-cookie',
      'key-123',
      'abc123',
      'Confidential lease text',
      'jana.novakova@example.com',
      'petr@example.org',
      'rt-1',
      's-1',
      '198.51.100.7',
      'abc.def.ghi',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('keeps what identifies the failure: ids, tags, route, user id, exception type', () => {
    const out = scrubSentryEvent(structuredClone(event));
    expect(out.user).toEqual({ id: 'u-1' });
    expect(out.tags).toEqual(event.tags);
    expect(out.request).toMatchObject({ url: event.request.url, method: 'POST' });
    expect(out.request.headers['User-Agent']).toBe('curl/8');
    expect(out.exception.values[0]).toEqual({ type: 'Error', value: 'No account for [email]' });
  });

  it('scrubs text', () => {
    expect(scrubText('mail a@b.cz, auth Basic dXNlcjpwYXNz')).toBe('mail [email], auth Basic [scrubbed]');
    // A driver's error quoting its connection URL (the local stack's credentials: the secrets gate allows only those).
    expect(scrubText('connect to postgres://ppt_api:ppt_api@postgres:5432/ppt failed')).toBe(
      'connect to postgres://[scrubbed]@postgres:5432/ppt failed',
    );
  });
});
