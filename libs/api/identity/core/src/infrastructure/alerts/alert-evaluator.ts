import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { type AlertRule } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { MaintenanceJob, QueueName, Scheduled, type AlertDeliveryJobData } from '@ppt/queue';
import type { Queue } from 'bull';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { holds, type AlertComparator } from './alert-rule-kinds';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertSignals, type Signal } from './alert-signals';
import { nextStep } from './alert-transitions';

const evaluations = processCounter<'outcome'>({
  name: 'alert_rule_evaluations_total',
  help: 'Alert rule evaluations by outcome (ok, error: the value could not be computed)',
  labelNames: ['outcome'],
});

/** A state change people are told about. */
export interface AlertTransition {
  instanceId: string;
  ruleId: string;
  state: 'firing' | 'resolved';
}

/**
 * The every-minute evaluation of the enabled alert rules (platform scope 'alert-rules-evaluate', as
 * the jobs role): each rule's value is computed, its (rule, series) instance moves through
 * pending → firing → resolved, and only reaching firing and resolving queue notifications, one
 * delivery job per channel and e-mail address (retried by Bull). An instance records which state was
 * notified, so a notification a queueing error or a crash left behind is queued by the next pass.
 * A rule whose value cannot be computed keeps its instances as they are and records why on the rule;
 * a disabled rule's open instances are resolved without notification.
 */
@Injectable()
export class AlertEvaluator {
  private readonly logger = new Logger(AlertEvaluator.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly repo: AlertRulesRepository,
    private readonly signals: AlertSignals,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  @Scheduled({ job: MaintenanceJob.AlertRulesEvaluate, cron: '* * * * *', scope: 'alert-rules-evaluate' })
  async run(
    now = new Date(),
  ): Promise<{ evaluated: number; failed: number; transitions: AlertTransition[] }> {
    const all = await this.tenant.runPlatformJob((m) => this.repo.allRules(m));
    const rules = all.filter((r) => r.enabled);
    let scrapeError: string | null = null;
    if (rules.some((r) => this.signals.isScraped(r))) {
      scrapeError = await this.signals.scrape(now, rules).then(
        () => null,
        (err: Error) => err.message,
      );
    }
    const transitions: AlertTransition[] = [];
    let failed = 0;
    // Each rule on its own: one that cannot be handled records why and the others still run.
    for (const rule of all) {
      try {
        if (!rule.enabled) await this.tenant.runPlatformJob((m) => this.resolveQuietly(m, rule, now));
        else {
          const { changed, error } = await this.evaluate(rule, scrapeError, now);
          transitions.push(...changed);
          if (error) failed += 1;
        }
      } catch (err) {
        failed += 1;
        evaluations.inc({ outcome: 'error' });
        const error = (err as Error).message;
        this.logger.error(`Alert rule ${rule.id} could not be evaluated: ${error}`);
        // In a transaction of its own: the one that failed was rolled back with its record.
        await this.tenant
          .runPlatformJob((m) => this.repo.recordEvaluation(m, rule.id, now, error))
          .catch((e: Error) =>
            this.logger.error(`Alert rule ${rule.id}: the error could not be recorded: ${e.message}`),
          );
      }
    }
    await this.deliverOwedNotifications(now);
    return { evaluated: rules.length, failed, transitions };
  }

  /** One enabled rule's pass (`error`: why it has no value); throws when its result could not be applied. */
  private async evaluate(
    rule: AlertRule,
    scrapeError: string | null,
    now: Date,
  ): Promise<{ changed: AlertTransition[]; error: string | null }> {
    let signal: Signal | null = null;
    let error: string | null = null;
    // A failed scrape leaves the previous one as the latest: no value rather than a stale one.
    if (scrapeError && this.signals.isScraped(rule)) error = scrapeError;
    else {
      try {
        signal = await this.signals.signal(rule, now);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    const changed = await this.tenant.runPlatformJob(async (m) => {
      const applied = signal ? await this.apply(m, rule, signal, now) : [];
      await this.repo.recordEvaluation(m, rule.id, now, error);
      return applied;
    });
    evaluations.inc({ outcome: error ? 'error' : 'ok' });
    return { changed, error };
  }

  /** A disabled rule's open alerts end quietly: nobody watches them any more. */
  private async resolveQuietly(m: EntityManager, rule: AlertRule, now: Date): Promise<void> {
    for (const open of await this.repo.activeInstancesOf(m, rule.id))
      await this.repo.saveInstance(m, {
        ...open,
        state: 'resolved',
        resolvedAt: now,
        notifiedState: 'resolved',
      });
  }

  private async apply(
    m: EntityManager,
    rule: AlertRule,
    signal: Signal,
    now: Date,
  ): Promise<AlertTransition[]> {
    const open = await this.repo.activeInstancesOf(m, rule.id);
    // A series the rule no longer watches (its params changed) ends quietly.
    for (const stale of open.filter((i) => i.fingerprint !== signal.fingerprint))
      await this.repo.saveInstance(m, {
        ...stale,
        state: 'resolved',
        resolvedAt: now,
        notifiedState: 'resolved',
      });
    const active = open.find((i) => i.fingerprint === signal.fingerprint) ?? null;
    const step = nextStep(
      active && active.state !== 'resolved' ? { state: active.state, startedAt: active.startedAt } : null,
      holds(signal.value, rule.comparator as AlertComparator, rule.threshold),
      now,
      rule.forSeconds,
    );
    switch (step.action) {
      case 'none':
        return [];
      case 'open': {
        const opened = await this.repo.saveInstance(m, {
          ruleId: rule.id,
          fingerprint: signal.fingerprint,
          state: step.state,
          value: signal.value,
          startedAt: now,
          firedAt: step.state === 'firing' ? now : null,
          resolvedAt: null,
        });
        return step.notify ? [{ instanceId: opened.id, ruleId: rule.id, state: 'firing' }] : [];
      }
      case 'keep':
        await this.repo.saveInstance(m, { ...active!, value: signal.value });
        return [];
      case 'fire':
        await this.repo.saveInstance(m, { ...active!, value: signal.value, state: 'firing', firedAt: now });
        return [{ instanceId: active!.id, ruleId: rule.id, state: 'firing' }];
      case 'resolve':
        await this.repo.saveInstance(m, {
          ...active!,
          value: signal.value,
          state: 'resolved',
          resolvedAt: now,
          // A condition that cleared while pending has nothing to tell.
          ...(!step.notify && { notifiedState: 'resolved' as const }),
        });
        return step.notify ? [{ instanceId: active!.id, ruleId: rule.id, state: 'resolved' }] : [];
    }
  }

  /**
   * Queues the deliveries of every firing or resolved instance whose notification was never queued
   * (this pass's transitions, and those a queueing error or a crash left behind), then settles them.
   * An instance that cannot be queued now stays owed to the next pass.
   */
  private async deliverOwedNotifications(now: Date): Promise<void> {
    const owed = await this.tenant.runPlatformJob((m) => this.repo.unnotifiedInstances(m));
    for (const instance of owed) {
      const state = instance.state as 'firing' | 'resolved';
      try {
        await this.enqueueDeliveries(instance.rule!, instance.id, state);
        await this.tenant.runPlatformJob((m) => this.repo.markNotified(m, instance.id, state, now));
      } catch (err) {
        this.logger.error(
          `Alert ${instance.id} (${state}) could not be queued, next pass retries: ${(err as Error).message}`,
        );
      }
    }
  }

  /** One delivery job per channel, and per address for e-mail (a retry re-sends to that address only). */
  private async enqueueDeliveries(
    rule: AlertRule,
    instanceId: string,
    state: 'firing' | 'resolved',
  ): Promise<void> {
    const jobs: AlertDeliveryJobData[] = [
      ...rule.channels.emails.map((to) => ({ instanceId, state, channel: 'email' as const, to })),
      ...(rule.channels.webhookUrl ? [{ instanceId, state, channel: 'webhook' as const }] : []),
      ...(rule.channels.inApp ? [{ instanceId, state, channel: 'in-app' as const }] : []),
    ];
    for (const data of jobs) {
      const target = data.channel === 'email' ? `email-${addressKey(data.to)}` : data.channel;
      await this.queue.add(MaintenanceJob.DeliverAlert, data, {
        jobId: `alert:${instanceId}:${state}:${target}`,
        removeOnComplete: true,
      });
    }
  }
}

/** A short stable key for an address in a job id (the address itself may hold ':' or be long). */
const addressKey = (to: string) => createHash('sha256').update(to).digest('hex').slice(0, 16);
