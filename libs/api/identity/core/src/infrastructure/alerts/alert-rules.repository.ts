import { Injectable } from '@nestjs/common';
import { AlertInstance, AlertRule } from '@ppt/api-db';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type NewAlertRule = Omit<
  AlertRule,
  'id' | 'createdAt' | 'updatedAt' | 'lastEvaluatedAt' | 'lastError'
>;

/** Alert rules and instances: platform rows (RLS admits the 'platform-alerts' and 'alert-rules-evaluate' scopes). */
@Injectable()
export class AlertRulesRepository {
  listRules(m: EntityManager, limit: number, offset: number): Promise<[AlertRule[], number]> {
    return m.findAndCount(AlertRule, { order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }

  allRules(m: EntityManager): Promise<AlertRule[]> {
    return m.find(AlertRule, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findRule(m: EntityManager, id: string): Promise<AlertRule | null> {
    return m.findOneBy(AlertRule, { id });
  }

  insertRule(m: EntityManager, rule: NewAlertRule): Promise<AlertRule> {
    return m.save(m.create(AlertRule, rule));
  }

  async saveRule(m: EntityManager, rule: AlertRule): Promise<AlertRule> {
    return m.save(rule);
  }

  async deleteRule(m: EntityManager, id: string): Promise<boolean> {
    const res = await m.delete(AlertRule, { id });
    return (res.affected ?? 0) > 0;
  }

  /** The evaluator's record on the rule (the jobs role may write only these two columns). */
  async recordEvaluation(m: EntityManager, id: string, at: Date, error: string | null): Promise<void> {
    await m.query(`UPDATE alert_rules SET last_evaluated_at = $2, last_error = $3 WHERE id = $1`, [
      id,
      at,
      error,
    ]);
  }

  /** Unresolved instances of a rule (one per series), locked for this evaluation. */
  activeInstancesOf(m: EntityManager, ruleId: string): Promise<AlertInstance[]> {
    return m
      .createQueryBuilder(AlertInstance, 'i')
      .where(`i.rule_id = :ruleId AND i.state <> 'resolved'`, { ruleId })
      .setLock('pessimistic_write')
      .getMany();
  }

  saveInstance(m: EntityManager, instance: Partial<AlertInstance>): Promise<AlertInstance> {
    const key =
      instance.fingerprint === undefined ? {} : { fingerprintKey: fingerprintKeyOf(instance.fingerprint) };
    return m.save(m.create(AlertInstance, { ...instance, ...key }));
  }

  /** Firing or resolved instances whose notification was never queued, with their rules. */
  unnotifiedInstances(m: EntityManager): Promise<AlertInstance[]> {
    return (
      m
        .createQueryBuilder(AlertInstance, 'i')
        .innerJoinAndSelect('i.rule', 'rule')
        // The predicate of ix_alert_instances_unnotified, so the planner can use it.
        .where(`i.state <> 'pending' AND i.notified_state IS DISTINCT FROM i.state`)
        .orderBy('i.updated_at', 'ASC')
        .getMany()
    );
  }

  /** Settles the notification of `state`, unless the instance has moved on meanwhile. */
  async markNotified(m: EntityManager, id: string, state: 'firing' | 'resolved', at: Date): Promise<void> {
    await m.query(
      `UPDATE alert_instances SET notified_state = $2, notified_at = $3 WHERE id = $1 AND state = $2`,
      [id, state, at],
    );
  }

  listInstances(
    m: EntityManager,
    state: AlertInstance['state'] | undefined,
    limit: number,
    offset: number,
  ): Promise<[AlertInstance[], number]> {
    return m.findAndCount(AlertInstance, {
      where: state ? { state } : {},
      relations: { rule: true },
      order: { startedAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  findInstance(m: EntityManager, id: string): Promise<AlertInstance | null> {
    return m.findOne(AlertInstance, { where: { id }, relations: { rule: true } });
  }
}

export const fingerprintKeyOf = (fingerprint: string) =>
  createHash('sha256').update(fingerprint).digest('hex');
