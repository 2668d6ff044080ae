import { IsOptional, IsUrl } from 'class-validator';
import { IsIntInRange } from '@ppt/config';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/** The health history's variables, composed into the app's env (one validation pass). */
export function withHealthHistoryEnv<TBase extends EnvBase>(Base: TBase) {
  class WithHealthHistoryEnv extends Base {
    /**
     * reality-server's base URL as the api worker reaches it (e.g. `http://reality-server:3001`); its
     * `/health/ready` is probed each minute. Unset: reality-server is not recorded (the API says so).
     * Set by the operator and meant to point inside the cluster, so not through the guarded agent.
     */
    @IsOptional()
    @IsUrl(
      { require_tld: false, require_protocol: true, protocols: ['http', 'https'], disallow_auth: true },
      { message: 'must be an http(s) URL without credentials' },
    )
    HEALTH_HISTORY_REALITY_SERVER_URL?: string;

    /** Days of samples kept; older ones are deleted by the minute's run. */
    @IsIntInRange(1, 400)
    HEALTH_HISTORY_RETENTION_DAYS = 30;
  }
  return WithHealthHistoryEnv;
}

/** What the health history reads from the environment. */
export class HealthHistoryEnv extends withHealthHistoryEnv(class {}) {}
