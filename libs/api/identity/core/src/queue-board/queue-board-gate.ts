import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { IdentityEnv } from '../identity.env';
import { requestMetaOf } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import {
  assertSameOrigin,
  clearOperatorCookies,
  CSRF_HEADER,
  OPERATOR_COOKIE,
  OPERATOR_REFERRER_POLICY,
  readCookie,
} from './operator-cookies';
import { OperatorLogin, type Operator } from './operator-login';
import { sameToken } from './operator-sessions';
import { QueueBoardError, QueueBoardErrorCode } from './queue-board.errors';

export const QUEUE_BOARD_ROUTE = '/admin/queues';
export const OPERATOR_LOGIN_ROUTE = '/admin/login';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a board call did, for the audit log, read from Bull Board's API path. */
export interface BoardAction {
  operation: string;
  queue?: string;
  jobId?: string;
  target?: string;
}

/** Operations on a whole queue (`/api/queues/:queue/<operation>[/…]`); anything else names a job first. */
const QUEUE_OPERATIONS = new Set([
  'add',
  'clean',
  'concurrency',
  'empty',
  'job-schedulers',
  'obliterate',
  'pause',
  'promote',
  'rate-limit',
  'resume',
  'retry',
]);

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export function boardActionOf(apiPath: string): BoardAction {
  const segments = apiPath.split('/').filter(Boolean).map(decoded);
  if (segments[0] !== 'api' || segments[1] !== 'queues') return { operation: segments.slice(1).join('/') };
  const [queue, second, ...rest] = segments.slice(2);
  if (queue === undefined) return { operation: 'unknown' };
  if (second === undefined) return { operation: queue }; // all queues: /api/queues/pause|resume
  if (QUEUE_OPERATIONS.has(second)) {
    return rest.length ? { operation: second, queue, target: rest.join('/') } : { operation: second, queue };
  }
  return { operation: rest.join('/') || 'unknown', queue, jobId: second };
}

/**
 * In front of every Bull Board request: an operator session (re-checked against the account), a
 * synchronizer CSRF token plus a same-origin check on mutating calls, and an audit entry for every
 * mutating call that succeeded.
 */
@Injectable()
export class QueueBoardGate {
  private readonly logger = new Logger(QueueBoardGate.name);

  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly login: OperatorLogin,
    private readonly audit: AuditService,
  ) {}

  readonly handle = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const boardPath = (req.originalUrl.split('?')[0] ?? '').slice(QUEUE_BOARD_ROUTE.length) || '/';
    const sessionId = readCookie(req, OPERATOR_COOKIE);
    const operator = sessionId ? await this.login.operatorOf(sessionId) : null;
    if (!operator) {
      if (sessionId) clearOperatorCookies(req, res, this.env);
      if (boardPath.startsWith('/api/') || !SAFE_METHODS.has(req.method)) {
        throw new QueueBoardError(
          QueueBoardErrorCode.OperatorSessionRequired,
          `Sign in at ${OPERATOR_LOGIN_ROUTE} first`,
        );
      }
      res.redirect(303, OPERATOR_LOGIN_ROUTE);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', OPERATOR_REFERRER_POLICY);
    if (!SAFE_METHODS.has(req.method)) {
      assertSameOrigin(req);
      const token = req.get(CSRF_HEADER);
      if (!token || !sameToken(token, operator.session.csrfToken)) {
        throw new QueueBoardError(QueueBoardErrorCode.CsrfRejected, 'Missing or wrong CSRF token');
      }
      res.on('finish', () => {
        if (res.statusCode < 400) this.recordAction(req, boardPath, operator);
      });
    }
    next();
  };

  private recordAction(req: Request, boardPath: string, operator: Operator): void {
    const action = boardActionOf(boardPath);
    const entity = action.jobId
      ? { entityType: 'job', entityId: `${action.queue}:${action.jobId}` }
      : action.queue
        ? { entityType: 'queue', entityId: action.queue }
        : {};
    this.audit
      .record(
        {
          action: 'queue_board.action',
          actorUserId: operator.user.id,
          ...entity,
          details: { ...action, method: req.method, path: boardPath },
        },
        requestMetaOf(req),
      )
      .catch((err: unknown) => this.logger.error({ err, action }, 'Could not audit a Bull Board action'));
  }
}
