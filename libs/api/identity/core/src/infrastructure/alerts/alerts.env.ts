import { Transform } from 'class-transformer';
import { IsArray, IsUrl, ArrayMaxSize } from 'class-validator';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** The alert rules' own variables, validated with the app's environment. */
export function withAlertsEnv<TBase extends EnvBase>(Base: TBase) {
  class WithAlertsEnv extends Base {
    /**
     * Prometheus text endpoints the alert evaluator scrapes every minute for the metric-based rules
     * (error_rate, sso_failure_rate, metric_threshold), e.g. `http://api-server:3000/metrics`
     * (comma-separated; empty: those rules report "no scrape targets"). Operator configuration, like
     * DATABASE_URL: internal addresses are expected here.
     */
    @Transform(toList)
    @IsArray()
    @ArrayMaxSize(20)
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { each: true, message: 'must be http(s) URLs' })
    ALERT_SCRAPE_URLS: string[] = [];
  }
  return WithAlertsEnv;
}

/**
 * What the alert rules read from the environment: their own variables, plus the secret box keys and
 * the outbound allow-list, which are validated where they are defined (syndication's slice).
 */
export class AlertsEnv extends withAlertsEnv(class {}) {
  declare readonly SECRETS_ENCRYPTION_KEYS?: string;
  declare readonly OUTBOUND_ALLOWED_CIDRS: string;
}
