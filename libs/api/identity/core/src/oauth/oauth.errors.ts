import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** RFC 6749 §5.2 and RFC 7009 §2.2.1 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

/**
 * A refusal on the token and revocation endpoints. OAuth clients (libraries) expect RFC 6749 §5.2's
 * body there (`{"error","error_description"}`), so these two endpoints answer in that shape instead
 * of the JSON error envelope; everything else (429, 503, 500) keeps the envelope.
 */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    /** The client authenticated with HTTP Basic: a 401 then carries a Basic challenge. */
    readonly basicUsed = false,
  ) {
    super(description);
  }

  get status(): number {
    return this.code === 'invalid_client' ? 401 : 400;
  }
}

@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    if (error.code === 'invalid_client' && error.basicUsed)
      res.setHeader('WWW-Authenticate', 'Basic realm="ppt", charset="UTF-8"');
    res.status(error.status).json({ error: error.code, error_description: error.description });
  }
}
