import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions, type AlertRule } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { MaintenanceJob, QueueName, Scheduled, type AlertDeliveryJobData } from '@ppt/queue';
import type { Queue } from 'bull';
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
 * delivery job per channel (retried by Bull; job ids make a repeated pass queue nothing twice).
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
  async run(now = new Date()): Promise<{ evaluated: number; failed: number; transitions: AlertTransition[] }> {
    const all = await this.tenant.runPlatformJob((m) => this.repo.allRules(m));
    const rules = all.filter((r) => r.enabled);
    // A disabled rule's open alerts end quietly: nobody watches them any more.
    for (const rule of all.filter((r) => !r.enabled)) {
      await this.tenant.runPlatformJob(async (m) => {
        for (const open of await this.repo.activeInstancesOf(m, rule.id))
          await this.repo.saveInstance(m, { ...open, state: 'resolved', resolvedAt: now });
      });
    }
    let scrapeError: string | null = null;
    if (rules.some((r) => this.signals.isScraped(r))) {
      scrapeError = await this.signals.scrape(now, rules).then(
        () => null,
        (err: Error) => err.message,
      );
    }
    const transitions: AlertTransition[] = [];
    let failed = 0;
    for (const rule of rules) {
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
      try {
        const changed = await this.tenant.runPlatformJob(async (m) => {
          await this.repo.recordEvaluation(m, rule.id, now, error);
          return signal ? this.apply(m, rule, signal, now) : [];
        });
        transitions.push(...changed);
      } catch (err) {
        error = (err as Error).message;
        this.logger.error(`Alert rule ${rule.id} could not be evaluated: ${error}`);
      }
      if (error) failed += 1;
      evaluations.inc({ outcome: error ? 'error' : 'ok' });
    }
    for (const t of transitions) await this.enqueueDeliveries(rules, t);
    return { evaluated: rules.length, failed, transitions };
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
      await this.repo.saveInstance(m, { ...stale, state: 'resolved', resolvedAt: now });
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
        await this.repo.saveInstance(m, { ...active!, value: signal.value, state: 'resolved', resolvedAt: now });
        return step.notify ? [{ instanceId: active!.id, ruleId: rule.id, state: 'resolved' }] : [];
    }
  }

  private async enqueueDeliveries(rules: AlertRule[], t: AlertTransition): Promise<void> {
    const rule = rules.find((r) => r.id === t.ruleId);
    if (!rule) return;
    const channels = [
      ...(rule.channels.emails.length > 0 ? (['email'] as const) : []),
      ...(rule.channels.webhookUrl ? (['webhook'] as const) : []),
      ...(rule.channels.inApp ? (['in-app'] as const) : []),
    ];
    for (const channel of channels) {
      const data: AlertDeliveryJobData = { instanceId: t.instanceId, state: t.state, channel };
      try {
        await this.queue.add(MaintenanceJob.DeliverAlert, data, {
          jobId: `alert:${t.instanceId}:${t.state}:${channel}`,
          removeOnComplete: true,
        });
      } catch (err) {
        this.logger.error(`Alert ${t.instanceId} (${t.state}) could not be queued for ${channel}: ${(err as Error).message}`);
      }
    }
  }
}
