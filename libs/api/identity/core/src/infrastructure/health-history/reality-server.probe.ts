import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DependencyStatus } from '@ppt/observability';
import { Agent, request } from 'undici';
import { HealthHistoryEnv } from './health-history.env';
import { READY } from './health-history.rules';

/** Deadline of one probe (connect, headers and body); readiness itself answers within ~1 s. */
export const REALITY_SERVER_PROBE_TIMEOUT_MS = 5000;
/** A readiness answer is a few hundred bytes; anything far larger is not one and is not read. */
const MAX_BODY_BYTES = 64 * 1024;
/** At most this many dependencies are taken from one answer (a wrong endpoint must not flood the table). */
const MAX_DEPENDENCIES = 20;
const DEPENDENCY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** reality-server's readiness as its /health/ready answered (or failed to). */
export interface ProbedReadiness {
  /** Up when /health/ready answered 200 (ok or degraded). */
  ready: DependencyStatus;
  /** Each dependency from the answer's `details` (none when there was no readiness answer). */
  dependencies: { name: string; status: DependencyStatus }[];
}

/**
 * Probes reality-server's GET /health/ready (HEALTH_HISTORY_REALITY_SERVER_URL), so its dependencies
 * are recorded as reality-server itself sees them, while reality-server's database role stays
 * confined to the portal schema. No redirects are followed (undici's request does not), the body is
 * capped and every call has a deadline.
 */
@Injectable()
export class RealityServerProbe implements OnModuleDestroy {
  private readonly agent = new Agent({
    connect: { timeout: REALITY_SERVER_PROBE_TIMEOUT_MS },
    headersTimeout: REALITY_SERVER_PROBE_TIMEOUT_MS,
    bodyTimeout: REALITY_SERVER_PROBE_TIMEOUT_MS,
  });

  constructor(private readonly env: HealthHistoryEnv) {}

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  /** Null when no URL is configured. Never rejects. */
  async read(): Promise<ProbedReadiness | null> {
    const base = this.env.HEALTH_HISTORY_REALITY_SERVER_URL;
    if (!base) return null;
    const started = performance.now();
    const latency = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const res = await request(new URL('/health/ready', base), {
        dispatcher: this.agent,
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(REALITY_SERVER_PROBE_TIMEOUT_MS),
      });
      const body = await readCapped(res.body);
      const dependencies = dependenciesOf(body);
      if (res.statusCode === 200) return { ready: { status: 'up', latencyMs: latency() }, dependencies };
      return {
        ready: { status: 'down', latencyMs: latency(), error: `/health/ready answered ${res.statusCode}` },
        dependencies,
      };
    } catch (err) {
      return { ready: { status: 'down', latencyMs: latency(), error: messageOf(err) }, dependencies: [] };
    }
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      return '';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `details` of a Terminus readiness answer (see HealthController), ignoring anything malformed. */
export function dependenciesOf(body: string): ProbedReadiness['dependencies'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const details = (parsed as { details?: unknown } | null)?.details;
  if (!details || typeof details !== 'object' || Array.isArray(details)) return [];
  return Object.entries(details as Record<string, unknown>)
    .filter(([name, value]) => DEPENDENCY_NAME.test(name) && name !== READY && isStatus(value))
    .slice(0, MAX_DEPENDENCIES)
    .map(([name, value]) => {
      const { status, latencyMs, error } = value as {
        status: 'up' | 'down';
        latencyMs?: unknown;
        error?: unknown;
      };
      return {
        name,
        status: {
          status,
          latencyMs:
            typeof latencyMs === 'number' && Number.isFinite(latencyMs) && latencyMs >= 0 ? latencyMs : 0,
          ...(status === 'down' ? { error: typeof error === 'string' ? error : 'down' } : {}),
        },
      };
    });
}

function isStatus(value: unknown): boolean {
  const status = (value as { status?: unknown } | null)?.status;
  return status === 'up' || status === 'down';
}

/** undici's errors carry the useful part (ECONNREFUSED, the timeout) in their cause. */
function messageOf(err: unknown): string {
  const e = err as Error & { cause?: Error; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${REALITY_SERVER_PROBE_TIMEOUT_MS} ms`;
  return e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message;
}
