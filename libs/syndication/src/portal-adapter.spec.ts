import { OutboundError } from '@ppt/outbound';
import { refusedCall } from './portal-adapter';

describe('refusedCall', () => {
  it('tells the manager only that the address is not allowed; what the name resolved to goes to the log', () => {
    const err = refusedCall(
      new OutboundError('OUTBOUND_ADDRESS_REFUSED', 'intranet.example resolves to a private address'),
      'Webhook',
    );
    expect(err).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', retryable: false });
    expect(err.message).toBe("Webhook: the endpoint's address is not allowed");
    expect(err.portalMessage).toBe('intranet.example resolves to a private address');
  });

  it('keeps the reason for a URL the manager wrote (nothing was resolved) and for other refusals', () => {
    expect(
      refusedCall(new OutboundError('OUTBOUND_URL_REFUSED', 'The URL must be https'), 'Webhook'),
    ).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', message: 'Webhook: The URL must be https' });
    expect(
      refusedCall(new OutboundError('OUTBOUND_REDIRECT', 'HTTP 302 (redirects are not followed)'), 'Webhook'),
    ).toMatchObject({ code: 'PORTAL_REJECTED', message: 'Webhook: HTTP 302 (redirects are not followed)' });
  });
});
