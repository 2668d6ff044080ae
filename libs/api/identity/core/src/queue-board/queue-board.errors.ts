import { featureError } from '@ppt/observability';

export enum QueueBoardErrorCode {
  OperatorSessionRequired = 'OPERATOR_SESSION_REQUIRED',
  CsrfRejected = 'CSRF_REJECTED',
}

export class QueueBoardError extends featureError<QueueBoardErrorCode>({
  [QueueBoardErrorCode.OperatorSessionRequired]: 401,
  [QueueBoardErrorCode.CsrfRejected]: 403,
}) {}
