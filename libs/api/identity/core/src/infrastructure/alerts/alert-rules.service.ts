import { Injectable } from '@nestjs/common';
import { AuditService, type RequestMeta } from '@ppt/api-shared';
import type { UserPrincipal } from '@ppt/auth';
import { SecretBox } from '@ppt/config';
import { type AlertInstance, type AlertRule } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { Page } from '@ppt/http';
import type { ErrorDetail } from '@ppt/observability';
import { GuardedHttp } from '@ppt/outbound';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type {
  AlertResponse,
  AlertRuleResponse,
  AlertsQueryDto,
  CreateAlertRuleDto,
  SavedAlertRuleResponse,
  UpdateAlertRuleDto,
} from '../dto/alert-rules.dto';
import { ruleProblems, type AlertRuleKind } from './alert-rule-kinds';
import { webhookSecretContext } from './alert-delivery.processor';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertSignals } from './alert-signals';
import { AlertRuleError } from './alerts.errors';
import { AlertsEnv } from './alerts.env';
import { prometheusRuleFile } from './prometheus-rules';

/**
 * Platform alert rules for platform administrators (issue #22, item 4), in the 'platform-alerts'
 * scope. A rule is validated as a whole at every save (a broken rule is refused with the reasons,
 * never stored to fail at 3 a.m.); a webhook gets its own signing secret, sealed, shown once.
 */
@Injectable()
export class AlertRulesService {
  private readonly http: GuardedHttp;
  private readonly box: SecretBox | null;
  private readonly scrapes: boolean;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly repo: AlertRulesRepository,
    private readonly signals: AlertSignals,
    private readonly audit: AuditService,
    env: AlertsEnv,
  ) {
    this.scrapes = env.ALERT_SCRAPE_URLS.length > 0;
    this.http = new GuardedHttp({ allowedCidrs: env.OUTBOUND_ALLOWED_CIDRS });
    this.box = env.SECRETS_ENCRYPTION_KEYS ? new SecretBox(env.SECRETS_ENCRYPTION_KEYS) : null;
  }

  async list(query: { limit: number; offset: number }): Promise<Page<AlertRuleResponse>> {
    const [rows, total] = await this.tenant.runPlatform('platform-alerts', (m) =>
      this.repo.listRules(m, query.limit, query.offset),
    );
    return { items: rows.map(ruleResponse), total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<AlertRuleResponse> {
    const rule = await this.tenant.runPlatform('platform-alerts', (m) => this.repo.findRule(m, id));
    if (!rule) throw notFound();
    return ruleResponse(rule);
  }

  async create(
    admin: UserPrincipal,
    dto: CreateAlertRuleDto,
    meta: RequestMeta,
  ): Promise<SavedAlertRuleResponse> {
    const rule = {
      name: dto.name,
      kind: dto.kind,
      params: dto.params,
      comparator: dto.comparator,
      threshold: dto.threshold,
      forSeconds: dto.forSeconds ?? 0,
      severity: dto.severity ?? 'warning',
      enabled: dto.enabled ?? true,
      channels: {
        emails: dto.channels.emails ?? [],
        webhookUrl: dto.channels.webhookUrl ?? null,
        inApp: dto.channels.inApp ?? false,
      },
      webhookSecretSealed: null as string | null,
    };
    await this.check(rule);
    return this.tenant.runPlatform('platform-alerts', async (m) => {
      const saved = await this.repo.insertRule(m, rule);
      const secret = this.newWebhookSecret(saved);
      if (secret) await this.repo.saveRule(m, saved);
      await this.recordAudit(m, admin, 'alert_rule.created', saved.id, meta, {
        name: saved.name,
        kind: saved.kind,
      });
      return { ...ruleResponse(saved), webhookSecret: secret };
    });
  }

  async update(
    admin: UserPrincipal,
    id: string,
    dto: UpdateAlertRuleDto,
    meta: RequestMeta,
  ): Promise<SavedAlertRuleResponse> {
    return this.tenant.runPlatform('platform-alerts', async (m) => {
      const rule = await this.repo.findRule(m, id);
      if (!rule) throw notFound();
      const kindChanged = dto.kind !== undefined && dto.kind !== rule.kind;
      if (kindChanged && dto.params === undefined)
        throw invalid([{ field: 'params', message: 'must be given when the kind changes' }]);
      Object.assign(rule, {
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.kind !== undefined && { kind: dto.kind }),
        ...(dto.params !== undefined && { params: dto.params }),
        ...(dto.comparator !== undefined && { comparator: dto.comparator }),
        ...(dto.threshold !== undefined && { threshold: dto.threshold }),
        ...(dto.forSeconds !== undefined && { forSeconds: dto.forSeconds }),
        ...(dto.severity !== undefined && { severity: dto.severity }),
        ...(dto.enabled !== undefined && { enabled: dto.enabled }),
      });
      if (dto.channels) {
        rule.channels = {
          emails: dto.channels.emails ?? rule.channels.emails,
          webhookUrl:
            dto.channels.webhookUrl === undefined ? rule.channels.webhookUrl : dto.channels.webhookUrl,
          inApp: dto.channels.inApp ?? rule.channels.inApp,
        };
      }
      await this.check(rule);
      if (!rule.channels.webhookUrl) rule.webhookSecretSealed = null;
      const secret = this.newWebhookSecret(rule);
      const saved = await this.repo.saveRule(m, rule);
      // The names of the fields sent, not their values: e-mail addresses and URLs stay out of the log.
      await this.recordAudit(m, admin, 'alert_rule.updated', saved.id, meta, {
        fields: Object.keys(dto).sort(),
      });
      return { ...ruleResponse(saved), webhookSecret: secret };
    });
  }

  async remove(admin: UserPrincipal, id: string, meta: RequestMeta): Promise<void> {
    await this.tenant.runPlatform('platform-alerts', async (m) => {
      if (!(await this.repo.deleteRule(m, id))) throw notFound();
      await this.recordAudit(m, admin, 'alert_rule.deleted', id, meta);
    });
  }

  /** A platform audit entry (no organisation), committed with the change it describes. */
  private recordAudit(
    m: EntityManager,
    admin: UserPrincipal,
    action: 'alert_rule.created' | 'alert_rule.updated' | 'alert_rule.deleted',
    ruleId: string,
    meta: RequestMeta,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(
      { action, actorUserId: admin.userId, entityType: 'alert_rule', entityId: ruleId, details },
      meta,
      m,
    );
  }

  async alerts(query: AlertsQueryDto): Promise<Page<AlertResponse>> {
    const [rows, total] = await this.tenant.runPlatform('platform-alerts', (m) =>
      this.repo.listInstances(m, query.state, query.limit, query.offset),
    );
    return { items: rows.map(alertResponse), total, limit: query.limit, offset: query.offset };
  }

  /** The enabled rules as a Prometheus alerting rule file (YAML). */
  async prometheus(): Promise<string> {
    const rules = await this.tenant.runPlatform('platform-alerts', (m) => this.repo.allRules(m));
    return prometheusRuleFile(rules);
  }

  /** Refuses a rule that cannot work, with every reason at once. */
  private async check(rule: Pick<AlertRule, 'kind' | 'params' | 'threshold' | 'channels'>): Promise<void> {
    const problems = ruleProblems(rule.kind as AlertRuleKind, rule.params, rule.threshold);
    if (!this.scrapes && this.signals.isScraped(rule as AlertRule))
      problems.push({ field: 'kind', message: 'no scrape targets configured (ALERT_SCRAPE_URLS)' });
    const { emails, webhookUrl, inApp } = rule.channels;
    if (emails.length === 0 && !webhookUrl && !inApp)
      problems.push({
        field: 'channels',
        message: 'must name at least one e-mail address, a webhook or in-app',
      });
    if (webhookUrl) {
      const problem = await this.webhookProblem(webhookUrl);
      if (problem) problems.push({ field: 'channels.webhookUrl', message: problem });
      else if (!this.box)
        throw new AlertRuleError(
          'ALERT_WEBHOOK_UNAVAILABLE',
          'Webhooks need SECRETS_ENCRYPTION_KEYS (their signing secrets are stored sealed)',
        );
    }
    if (problems.length > 0) throw invalid(problems);
  }

  /** The outbound guard's verdict on the URL as written and on every address its host resolves to now. */
  private async webhookProblem(raw: string): Promise<string | null> {
    const problem = this.http.urlProblem(raw);
    if (problem) return problem;
    try {
      await this.http.resolveHost(new URL(raw).hostname);
      return null;
    } catch (err) {
      const code = (err as { code?: string }).code;
      return code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its host name does not resolve'
        : `is refused: ${(err as Error).message}`;
    }
  }

  /** A fresh secret when the rule has a webhook but no secret yet (sealed onto the rule; returned once). */
  private newWebhookSecret(rule: AlertRule): string | null {
    if (!rule.channels.webhookUrl || rule.webhookSecretSealed || !this.box) return null;
    const secret = `whsec_${randomBytes(24).toString('hex')}`;
    rule.webhookSecretSealed = this.box.seal(secret, webhookSecretContext(rule.id));
    return secret;
  }
}

const notFound = () => new AlertRuleError('ALERT_RULE_NOT_FOUND', 'No such alert rule');
const invalid = (details: ErrorDetail[]) =>
  new AlertRuleError(
    'ALERT_RULE_INVALID',
    `The alert rule cannot work: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
    details,
  );

function ruleResponse(r: AlertRule): AlertRuleResponse {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    params: r.params,
    comparator: r.comparator,
    threshold: r.threshold,
    forSeconds: r.forSeconds,
    severity: r.severity,
    enabled: r.enabled,
    channels: { emails: r.channels.emails, webhookUrl: r.channels.webhookUrl, inApp: r.channels.inApp },
    lastEvaluatedAt: r.lastEvaluatedAt?.toISOString() ?? null,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function alertResponse(i: AlertInstance): AlertResponse {
  return {
    id: i.id,
    ruleId: i.ruleId,
    ruleName: i.rule?.name ?? '',
    severity: i.rule?.severity ?? 'warning',
    fingerprint: i.fingerprint,
    state: i.state,
    value: i.value,
    startedAt: i.startedAt.toISOString(),
    firedAt: i.firedAt?.toISOString() ?? null,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
  };
}
