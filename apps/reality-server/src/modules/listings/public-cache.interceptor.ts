import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';

/** How long browsers and shared caches may reuse an anonymous answer without asking again. */
export const PUBLIC_MAX_AGE_S = 30;

/**
 * Listing pages are public data and the same for everyone, so an anonymous answer may be cached by
 * browsers and CDNs for PUBLIC_MAX_AGE_S (the read model itself lags the PM by the feed's delay), then
 * revalidated with the ETag Express puts on every body (If-None-Match → 304 without the body).
 * A request with credentials gets no such header: shared caches must not learn what a signed-in
 * visitor asked for, even when the answer would be the same.
 */
@Injectable()
export class PublicCacheInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const anonymous = req.headers.authorization === undefined && req.headers.cookie === undefined;
    // Set on success only: an error (a 404 now, a 503 in an outage) must not be cached.
    return next.handle().pipe(
      tap(() => {
        if (anonymous) {
          http
            .getResponse<Response>()
            .setHeader('Cache-Control', `public, max-age=${PUBLIC_MAX_AGE_S}, stale-while-revalidate=${PUBLIC_MAX_AGE_S}`);
        }
      }),
    );
  }
}
