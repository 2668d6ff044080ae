import { NO_REQUEST } from '@ppt/api-shared';
import type { UserPrincipal } from '@ppt/auth';
import type { TenantTransactions } from '@ppt/db';
import type { CreateAlertRuleDto } from '../dto/alert-rules.dto';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertRulesService } from './alert-rules.service';
import { AlertSignals } from './alert-signals';
import { AlertsEnv } from './alerts.env';

/**
 * The save-time check without scrape targets: a rule whose value comes from the scraped metrics
 * could only ever record "no scrape targets", so it is refused before anything is stored.
 */
describe('AlertRulesService without ALERT_SCRAPE_URLS', () => {
  const env = Object.assign(new AlertsEnv(), { ALERT_SCRAPE_URLS: [], OUTBOUND_ALLOWED_CIDRS: '' });
  const tenant = {
    runPlatform: () => Promise.reject(new Error('a refused rule must not reach the database')),
  } as unknown as TenantTransactions;
  const admin = { userId: 'operator' } as UserPrincipal;
  const signals = new AlertSignals(null as never, null as never, env);
  const service = new AlertRulesService(tenant, new AlertRulesRepository(), signals, null as never, env);
  const rule = (kind: string, params: Record<string, unknown>, threshold = 0.1) =>
    ({ name: 'r', kind, params, comparator: '>', threshold, channels: { inApp: true } }) as unknown as CreateAlertRuleDto;

  it.each([
    ['error_rate', { windowSeconds: 300 }],
    ['sso_failure_rate', { windowSeconds: 600 }],
    ['metric_threshold', { windowSeconds: 300, metric: 'outbox_lag_seconds', aggregation: 'max' }],
  ])('refuses %s with the reason', async (kind, params) => {
    await expect(service.create(admin, rule(kind, params), NO_REQUEST)).rejects.toMatchObject({
      code: 'ALERT_RULE_INVALID',
      details: [{ field: 'kind', message: 'no scrape targets configured (ALERT_SCRAPE_URLS)' }],
    });
  });

  it('lets a rule read from the trace store through to the database', async () => {
    await expect(
      service.create(admin, rule('job_failure_rate', { windowSeconds: 300, queue: 'maintenance' }), NO_REQUEST),
    ).rejects.toThrow('a refused rule must not reach the database');
  });
});
