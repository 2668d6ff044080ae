import { applyDecorators, Header } from '@nestjs/common';

/** Responses that carry tokens must not be cached anywhere (RFC 6749 §5.1, RFC 6750 §5.3). */
export const NoStore = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
