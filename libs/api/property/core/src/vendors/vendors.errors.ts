import { featureError } from '@ppt/observability';

export enum VendorErrorCode {
  NotFound = 'VENDOR_NOT_FOUND',
  InUse = 'VENDOR_IN_USE',
}

export class VendorError extends featureError<VendorErrorCode>({
  [VendorErrorCode.NotFound]: 404,
  [VendorErrorCode.InUse]: 409,
}) {}
