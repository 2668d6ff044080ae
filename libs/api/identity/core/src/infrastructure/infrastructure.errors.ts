import { featureError } from '@ppt/observability';

/** Refusals of the platform's infrastructure API (traces, job statistics, health history). */
export class InfrastructureError extends featureError({
  /** `from`/`to` not in order, or more than the longest range a query may cover apart. */
  TIME_RANGE_INVALID: 400,
  TRACE_NOT_FOUND: 404,
  /** A `cursor` that is not a `nextCursor` of an earlier page. */
  INVALID_CURSOR: 400,
}) {}
