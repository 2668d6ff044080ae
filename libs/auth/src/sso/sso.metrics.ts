import { processCounter, processHistogram } from '@ppt/observability';

/** hit = a cached answer, miss = asked api-server, invalid = rejected, unavailable = 503 (api-server away). */
export type SsoResult = 'hit' | 'miss' | 'invalid' | 'unavailable';

export const ssoValidations = processCounter<'result'>({
  name: 'sso_validation_total',
  help: 'Bearer tokens validated by the portal SSO, by result (hit, miss, invalid, unavailable)',
  labelNames: ['result'],
});

export const ssoValidationDuration = processHistogram<'result'>({
  name: 'sso_validation_duration_seconds',
  help: 'Time to validate a bearer token on the portal, by result',
  labelNames: ['result'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/** The api-server side of a miss: how long its introspection takes as seen from the portal. */
export const ssoIntrospectionDuration = processHistogram<'outcome'>({
  name: 'sso_introspection_duration_seconds',
  help: "Round trip of api-server's token introspection, by outcome (answered, unavailable)",
  labelNames: ['outcome'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/**
 * Answers shared through Redis (source: announcement, redis) that were dropped: malformed,
 * unsigned, unknown_key, bad_mac (forged, or signed with a key this replica does not hold), or
 * wrong_key (a signed entry copied under another token's key).
 */
export const ssoSharedAnswersRejected = processCounter<'source' | 'reason'>({
  name: 'sso_shared_answers_rejected_total',
  help: 'SSO answers from Redis or another replica dropped, by source and reason (malformed, unsigned, unknown_key, bad_mac, wrong_key)',
  labelNames: ['source', 'reason'],
});
