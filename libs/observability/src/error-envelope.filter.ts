import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import * as Sentry from '@sentry/nestjs';
import type { Request, Response } from 'express';
import { AppError, CODE_BY_STATUS, CommonErrorCode, type ErrorEnvelope } from './app-error';
import { requestIdOf } from './request-id';
import { currentTraceId } from './trace-context';

/**
 * Renders every error as `{"error":{code,message,details?,requestId,traceId?}}` (traceId: the
 * W3C trace id of the request, when tracing is on, to find its trace in the store). Client errors keep their
 * message; anything unexpected becomes a 500 with a generic message, is logged with its stack and
 * sent to Sentry (a deliberate 503 AppError is only a warning). Stack traces never reach the client.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req);
    const traceId = currentTraceId();
    const { status, body, headers } = this.describe(exception);

    if (exception instanceof AppError && status === 503) {
      // A dependency we chose to report as unavailable (Redis, api-server): expected during an
      // outage, already logged where it was noticed; no stack, no Sentry event per request.
      this.logger.warn({ requestId, code: body.code }, body.message);
    } else if (status >= 500) {
      this.logger.error({ err: exception, requestId }, 'Unhandled error');
      Sentry.withScope((scope) => {
        if (requestId) scope.setTag('request_id', requestId);
        if (traceId) scope.setTag('trace_id', traceId);
        // The principal the auth guard put on the request (observability cannot import @ppt/auth).
        const principal = (
          req as { user?: { userId?: string; organizationId?: string | null; clientId?: string } }
        ).user;
        if (principal?.userId) scope.setUser({ id: principal.userId });
        if (principal?.organizationId) scope.setTag('organization_id', principal.organizationId);
        if (principal?.clientId) scope.setTag('client_id', principal.clientId);
        const route = (req as { route?: { path?: string } }).route?.path;
        if (route) scope.setTag('route', `${req.method} ${route}`);
        Sentry.captureException(exception);
      });
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    const envelope: ErrorEnvelope = { error: { ...body, requestId, ...(traceId ? { traceId } : {}) } };
    res.status(status).json(envelope);
  }

  private describe(exception: unknown): {
    status: number;
    body: Omit<ErrorEnvelope['error'], 'requestId' | 'traceId'>;
    headers?: Record<string, string>;
  } {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        body: { code: exception.code, message: exception.message, details: exception.details },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: { code: codeFor(status), message: messageOf(exception, status) } };
    }
    return { status: 500, body: { code: CommonErrorCode.Internal, message: 'Internal server error' } };
  }
}

function codeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.BadRequest);
}

function messageOf(exception: HttpException, status: number): string {
  if (status >= 500) return 'Internal server error';
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
