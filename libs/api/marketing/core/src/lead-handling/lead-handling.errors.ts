import { featureError } from '@ppt/observability';

export enum LeadErrorCode {
  NotFound = 'LEAD_NOT_FOUND',
  NotYours = 'LEAD_NOT_YOURS',
}

export class LeadError extends featureError<LeadErrorCode>({
  [LeadErrorCode.NotFound]: 404,
  [LeadErrorCode.NotYours]: 403,
}) {}
