import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { serviceUnavailable } from '@ppt/observability';
import { RedisConnections } from '@ppt/redis';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IdentityEnv } from '../identity.env';

/** No operator session outlives this, however active (the idle timeout is OPERATOR_SESSION_IDLE_S). */
const ABSOLUTE_TTL_MS = 12 * 3600 * 1000;

export interface OperatorSession {
  userId: string;
  /** Fingerprint of the password hash at sign-in: a changed or reset password ends the session. */
  passwordFingerprint: string;
  /** The synchronizer token Bull Board's UI sends back as X-XSRF-TOKEN on every mutating call. */
  csrfToken: string;
  expiresAt: number;
}

export const passwordFingerprint = (passwordHash: string | null): string =>
  createHash('sha256')
    .update(passwordHash ?? '')
    .digest('base64url');

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * Operator sessions of Bull Board, server-side in Redis. The cookie holds an opaque random id; Redis
 * stores the record under a hash of it, so a Redis dump gives no usable cookie.
 */
@Injectable()
export class OperatorSessions implements OnModuleInit {
  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    this.client(); // connects now: the client fails fast (no offline queue), so it must not start cold
  }

  /** Fails fast while Redis is unreachable, so the board answers 503 at once instead of hanging. */
  private client() {
    return this.redis.get('operator-sessions', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  private key(id: string): string {
    return `operator-session:${createHash('sha256').update(id).digest('base64url')}`;
  }

  private idleMs(): number {
    return this.env.OPERATOR_SESSION_IDLE_S * 1000;
  }

  async create(
    userId: string,
    passwordHash: string | null,
  ): Promise<{ id: string; session: OperatorSession }> {
    const id = randomBytes(32).toString('base64url');
    const session: OperatorSession = {
      userId,
      passwordFingerprint: passwordFingerprint(passwordHash),
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: Date.now() + ABSOLUTE_TTL_MS,
    };
    await this.unavailableAsServiceError(() =>
      this.client().set(this.key(id), JSON.stringify(session), 'PX', this.idleMs()),
    );
    return { id, session };
  }

  /** The live session of `id`, its idle timeout renewed; null when unknown, idled out or past its end. */
  async touch(id: string): Promise<OperatorSession | null> {
    const raw = await this.unavailableAsServiceError(() => this.client().get(this.key(id)));
    if (!raw) return null;
    const session = JSON.parse(raw) as OperatorSession;
    const left = session.expiresAt - Date.now();
    if (left <= 0) {
      await this.end(id);
      return null;
    }
    await this.unavailableAsServiceError(() =>
      this.client().pexpire(this.key(id), Math.min(left, this.idleMs())),
    );
    return session;
  }

  async end(id: string): Promise<void> {
    await this.unavailableAsServiceError(() => this.client().del(this.key(id)));
  }

  /** Redis down: the board answers 503 rather than letting anyone in or failing with a 500. */
  private async unavailableAsServiceError<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw serviceUnavailable('Operator sign-in is temporarily unavailable; try again shortly');
    }
  }
}
