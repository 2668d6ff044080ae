import { featureError } from '@ppt/observability';

export enum LeadErrorCode {
  NotFound = 'LEAD_NOT_FOUND',
}

export class LeadError extends featureError<LeadErrorCode>({
  [LeadErrorCode.NotFound]: 404,
}) {}
