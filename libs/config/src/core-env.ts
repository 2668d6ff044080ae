import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import ipaddr from 'ipaddr.js';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value);

/** An integer variable within [min, max] (environment values arrive as strings). */
export function IsIntInRange(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));
}

/** A TCP port (0 lets the OS choose, for tests). */
export const IsPort = (): PropertyDecorator => IsIntInRange(0, 65535);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** An IPv4/IPv6 address or CIDR range, as Express's `trust proxy` (proxy-addr) compiles it. */
@ValidatorConstraint({ name: 'addressRange' })
class IsAddressRange implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const [address = '', prefix] = value.split('/');
    // Only the plain notations: ipaddr.js would also take "1" or "0x7f.1" as IPv4 addresses.
    const plain = ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
    return plain && (prefix === undefined || ipaddr.isValidCIDR(value));
  }
  defaultMessage(): string {
    return 'must be a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.0/8, fd00::/8)';
  }
}

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const DB_URL = { protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true };
const REDIS_URL = { protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true };

/**
 * Settings every process of the platform needs. Each app extends this class with its own
 * (ports, credentials); defaults here are the local quick-start values.
 */
export class CoreEnv {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Runtime connection: the restricted application role (no owner, no BYPASSRLS). */
  @IsUrl(DB_URL, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://ppt_api:ppt_api@127.0.0.1:5432/ppt';

  @IsIntInRange(1, 200)
  DB_POOL_MAX = 10;

  @IsIntInRange(100)
  DB_CONNECT_TIMEOUT_MS = 5000;

  @IsIntInRange(0)
  DB_STATEMENT_TIMEOUT_MS = 15000;

  @IsUrl(REDIS_URL, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key this deployment writes (Bull queues included). */
  @Matches(/^[a-z0-9:_-]{1,40}$/i, { message: 'must be 1-40 characters of letters, digits, ":", "_" or "-"' })
  REDIS_KEY_PREFIX = 'ppt:';

  /**
   * Bull: how long a worker's lock on a running job lasts (renewed at half of it while the process
   * lives). A worker killed mid-job is noticed when its lock has expired and the next stalled-job
   * check runs; the job then runs again elsewhere. Each check is a Redis round trip per queue.
   */
  @IsIntInRange(500, 600_000)
  QUEUE_LOCK_DURATION_MS = 30_000;

  /** Bull: how often each worker looks for stalled jobs (jobs whose lock expired). */
  @IsIntInRange(500, 600_000)
  QUEUE_STALLED_INTERVAL_MS = 30_000;

  /**
   * The proxies whose X-Forwarded-For this process believes (CIDR list). Empty: nobody is trusted, the
   * client is the socket's peer and the header is ignored. With proxies listed, the client is the
   * right-most address in the chain that is not one of them (proxy-addr), so a client cannot pick its
   * own address by sending the header.
   */
  @Transform(toList)
  @Validate(IsAddressRange, { each: true })
  TRUSTED_PROXIES: string[] = [];

  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = ['http://localhost:4200'];

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  HTTP_BODY_LIMIT = '1mb';

  /** How long readiness reports 503 before the listener closes (lets load balancers drain). */
  @IsIntInRange(0, 60000)
  SHUTDOWN_DRAIN_MS = 0;

  /** Hard limit for a graceful shutdown; the process exits with code 1 after it. */
  @IsIntInRange(1000, 120000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  @IsOptional()
  @IsUrl({ require_tld: false }, { message: 'must be a Sentry DSN URL' })
  SENTRY_DSN?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /**
   * The PostgreSQL trace store (issue #22): a database of its own (the role owns what it creates
   * there: the `traces` schema and its day partitions). Unset = spans are not stored.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  TRACE_STORE_DATABASE_URL?: string;

  /** Days of spans the trace store keeps (whole day partitions are dropped after that). */
  @IsIntInRange(1, 90)
  TRACE_STORE_RETENTION_DAYS = 7;

  /** Unsampled requests and jobs at least this slow are stored all the same (the tail rule). */
  @IsIntInRange(1)
  TRACE_STORE_SLOW_MS = 1000;

  /** Spans waiting for the trace store's writer; more are dropped and counted, requests never wait. */
  @IsIntInRange(1, 1_000_000)
  TRACE_STORE_MAX_QUEUE = 4096;
}
