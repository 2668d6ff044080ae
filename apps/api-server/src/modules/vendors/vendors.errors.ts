import { featureError } from '@ppt/observability';

export enum VendorErrorCode {
  NotFound = 'VENDOR_NOT_FOUND',
}

export class VendorError extends featureError<VendorErrorCode>({
  [VendorErrorCode.NotFound]: 404,
}) {}
