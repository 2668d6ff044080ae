import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { listenForSessionRevocations, type ServiceClientValidator } from '@ppt/auth';
import { RedisConnections } from '@ppt/redis';
import type { EntityManager } from 'typeorm';
import { writeOrUnavailable } from '@ppt/api-shared';
import { OAuthClientsRepository } from './oauth-clients.repository';

/** Published (message: the client id) when a service client is disabled. */
export const CLIENT_DISABLED_CHANNEL = 'auth:client-disabled';

/**
 * Whether a service token's client is still enabled, checked on every request with a service token.
 * Service tokens are JWTs that live up to AUTH_SERVICE_TOKEN_TTL_S, so disabling a client must reach
 * every process at once: PostgreSQL (`oauth_clients.disabled_at`) is the truth, each process keeps
 * the set of disabled client ids in memory, loads it from PostgreSQL each time its subscription to
 * the disable channel is confirmed, and adds to it what it hears there. The memory is therefore
 * complete while subscribed (no Redis copy of the set is needed); while not subscribed, every check
 * asks PostgreSQL.
 */
@Injectable()
export class ServiceClientStatus implements ServiceClientValidator, OnModuleInit {
  private readonly logger = new Logger(ServiceClientStatus.name);
  private disabled = new Set<string>();
  private trusted = false;
  /** Bumped on every (re)subscription and loss, so a load that raced either is discarded. */
  private epoch = 0;
  /** Clients disabled while the set is being loaded: the load must not drop them. */
  private heardWhileLoading: Set<string> | null = null;

  constructor(
    private readonly clients: OAuthClientsRepository,
    private readonly redis: RedisConnections,
  ) {}

  private channel(): string {
    return `${this.redis.keyPrefix}${CLIENT_DISABLED_CHANNEL}`;
  }

  onModuleInit(): void {
    listenForSessionRevocations(this.redis, 'ClientRevocations', {
      subscribed: () => void this.load(),
      lost: () => {
        this.epoch++;
        this.trusted = false;
      },
      alsoListen: { [this.channel()]: (clientId) => this.heard(clientId) },
    });
  }

  async isEnabled(clientId: string): Promise<boolean> {
    if (this.trusted) return !this.disabled.has(clientId);
    const client = await this.clients.findByClientId(clientId);
    return !!client && !client.disabledAt;
  }

  /**
   * Disables the client in the caller's transaction and tells every process before it commits
   * (503 and no change if Redis cannot be told). False when there is no such client.
   */
  async disable(clientId: string, manager: EntityManager): Promise<boolean> {
    if (!(await this.clients.disable(clientId, manager))) return false;
    const channel = this.channel();
    await writeOrUnavailable('client revocation', this.logger, () =>
      this.redis.get('sessions').multi().publish(channel, clientId).exec(),
    );
    this.disabled.add(clientId);
    return true;
  }

  private async load(): Promise<void> {
    const epoch = ++this.epoch;
    const heard = new Set<string>();
    this.heardWhileLoading = heard;
    try {
      const ids = await this.clients.disabledClientIds();
      if (epoch !== this.epoch) return;
      this.disabled = new Set([...ids, ...heard]);
      this.trusted = true;
    } catch (err) {
      this.logger.warn(
        `Could not load the disabled clients; PostgreSQL answers each check: ${(err as Error).message}`,
      );
    } finally {
      if (this.heardWhileLoading === heard) this.heardWhileLoading = null;
    }
  }

  private heard(clientId: string): void {
    this.disabled.add(clientId);
    this.heardWhileLoading?.add(clientId);
  }
}
