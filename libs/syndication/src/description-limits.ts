import { OPENIMMO_RULES } from './openimmo/openimmo-codebook';
import { SREALITY_RULES } from './sreality/sreality.adapter';
import { WEBHOOK_RULES } from './webhook/webhook.adapter';

/**
 * How long a listing description each portal takes (characters), from the adapters' own rules, for
 * whoever writes descriptions (the assistant's drafts). Our own portal takes what a listing holds.
 */
export const PORTAL_DESCRIPTION_LIMITS = {
  'reality-portal': { min: 0, max: 20_000 },
  sreality: SREALITY_RULES.description,
  openimmo: OPENIMMO_RULES.description,
  webhook: WEBHOOK_RULES.description,
} as const;
