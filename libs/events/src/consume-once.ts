import type { EntityManager } from 'typeorm';

/**
 * Applies an event once per consumer: records (consumer, event id) in the same transaction as the
 * effect; a redelivered event finds the record and is skipped. Returns whether it was applied.
 */
export async function consumeOnce(
  manager: EntityManager,
  consumer: string,
  eventId: string,
  apply: () => Promise<void>,
): Promise<boolean> {
  const claimed = (await manager.query(
    `INSERT INTO consumed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, eventId],
  )) as unknown[];
  if (claimed.length === 0) return false;
  await apply();
  return true;
}
