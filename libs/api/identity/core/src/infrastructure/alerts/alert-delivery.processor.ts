import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Mailer, mailTemplates } from '@ppt/api-shared';
import { SecretBox } from '@ppt/config';
import { type AlertInstance, type AlertRule } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { GuardedHttp } from '@ppt/outbound';
import { RealtimePublisher } from '@ppt/realtime';
import { MaintenanceJob, QueueName, type AlertDeliveryJobData } from '@ppt/queue';
import type { Job } from 'bull';
import { UsersRepository } from '../../users/users.repository';
import { AlertRulesRepository } from './alert-rules.repository';
import { ALERT_SIGNATURE_HEADER, ALERT_TIMESTAMP_HEADER, signAlertBody } from './alert-webhook-signature';
import { AlertsEnv } from './alerts.env';

/** The SecretBox context of a rule's webhook secret: a sealed value copied to another rule does not open. */
export const webhookSecretContext = (ruleId: string) => `alert-rule:${ruleId}`;

/** What a webhook receives (JSON); documented in docs/observability.md. */
export interface AlertWebhookBody {
  alertId: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: string;
  state: 'firing' | 'resolved';
  fingerprint: string;
  value: number;
  threshold: number;
  comparator: string;
  startedAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
}

/**
 * Sends one alert state change on one channel of its rule: e-mail to one address (the mail port), a signed JSON
 * webhook through the guarded outbound agent, or in-app (a realtime event to every platform
 * administrator's sockets, through api-server's direct channel that every gateway hears). A failed send throws, so Bull retries it with backoff
 * and keeps it as a dead letter when the attempts run out. The rule is read as it is now: a channel
 * removed meanwhile is skipped, a deleted rule's alerts are gone.
 */
@Processor(QueueName.Maintenance)
export class AlertDeliveryProcessor {
  private readonly logger = new Logger(AlertDeliveryProcessor.name);
  private readonly http: GuardedHttp;
  private readonly box: SecretBox | null;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly repo: AlertRulesRepository,
    private readonly mailer: Mailer,
    private readonly users: UsersRepository,
    private readonly realtime: RealtimePublisher,
    env: AlertsEnv,
  ) {
    this.http = new GuardedHttp({
      allowedCidrs: env.OUTBOUND_ALLOWED_CIDRS,
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
    });
    this.box = env.SECRETS_ENCRYPTION_KEYS ? new SecretBox(env.SECRETS_ENCRYPTION_KEYS) : null;
  }

  @Process(MaintenanceJob.DeliverAlert)
  async handle(job: Job<AlertDeliveryJobData>): Promise<string> {
    const { instanceId, state } = job.data;
    const instance = await this.tenant.runPlatform('platform-alerts', (m) =>
      this.repo.findInstance(m, instanceId),
    );
    const rule = instance?.rule;
    if (!instance || !rule) return 'the rule was deleted';
    const body = bodyOf(instance, rule, state);
    if (job.data.channel === 'email') {
      const { to } = job.data;
      if (!rule.channels.emails.includes(to)) return 'the rule does not e-mail this address any more';
      await this.mailer.send(
        mailTemplates.alertStateChanged(
          to,
          {
            ruleName: rule.name,
            state,
            severity: rule.severity,
            summary: summaryOf(body),
            at: body.startedAt,
          },
          this.mailer.appPage('admin/alerts'),
        ),
      );
      return 'e-mailed';
    }
    if (job.data.channel === 'in-app') {
      if (!rule.channels.inApp) return 'the rule has no in-app channel any more';
      // Best effort, like every realtime event: admins not signed in see the alert in the alerts list.
      const admins = await this.users.platformAdminIds();
      for (const userId of admins) await this.realtime.toUser(userId, `alert.${state}`, { ...body });
      return `published to ${admins.length} platform administrator(s)`;
    }
    if (!rule.channels.webhookUrl || !rule.webhookSecretSealed) return 'the rule has no webhook any more';
    if (!this.box) throw new Error('SECRETS_ENCRYPTION_KEYS is not set: the webhook secret cannot be opened');
    const secret = this.box.open(rule.webhookSecretSealed, webhookSecretContext(rule.id));
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await this.http.request(rule.channels.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [ALERT_TIMESTAMP_HEADER]: String(timestamp),
        [ALERT_SIGNATURE_HEADER]: signAlertBody(secret, timestamp, payload),
      },
      body: payload,
    });
    if (res.status < 200 || res.status >= 300) {
      this.logger.warn(`Alert webhook of rule ${rule.id} answered HTTP ${res.status}`);
      throw new Error(`the webhook answered HTTP ${res.status}`);
    }
    return `webhook answered ${res.status}`;
  }
}

function bodyOf(instance: AlertInstance, rule: AlertRule, state: 'firing' | 'resolved'): AlertWebhookBody {
  return {
    alertId: instance.id,
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    state,
    fingerprint: instance.fingerprint,
    value: instance.value,
    threshold: rule.threshold,
    comparator: rule.comparator,
    startedAt: instance.startedAt.toISOString(),
    firedAt: instance.firedAt?.toISOString() ?? null,
    resolvedAt: instance.resolvedAt?.toISOString() ?? null,
  };
}

const summaryOf = (b: AlertWebhookBody) =>
  `${b.kind} (${b.fingerprint}) is ${b.value} (condition: ${b.comparator} ${b.threshold}).`;
