import { Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';

const logger = new Logger('Schedules');

/**
 * Registers `name` as a repeatable job on `queue` (cron in UTC) under a fixed job id, so however many
 * workers start, one schedule exists. Called by workers only (never HTTP pods), from their
 * processors' onApplicationBootstrap.
 */
export async function scheduleRepeatable(
  queue: Queue,
  name: string,
  cron: string,
  options: Omit<JobOptions, 'repeat' | 'jobId'> = {},
): Promise<void> {
  await queue.add(name, {}, { ...options, repeat: { cron, tz: 'UTC' }, jobId: name });
  logger.log(`Scheduled ${name} on ${queue.name} (${cron} UTC)`);
}
