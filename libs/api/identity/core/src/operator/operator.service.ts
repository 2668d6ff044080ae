import { Injectable } from '@nestjs/common';
import type { User } from '@ppt/api-db';
import { AuditService, type RequestMeta } from '@ppt/api-shared';
import type { EntityManager } from 'typeorm';
import { OAuthClientsRepository } from '../oauth/oauth-clients.repository';
import { SessionStore } from '../sessions/session-store';
import { Passwords } from '../users/passwords';
import { UsersRepository } from '../users/users.repository';

/** Who runs an operator command: no signed-in user, the tool's client id (`admin-cli`). */
export interface OperatorActor {
  userId: null;
  clientId: string;
}

/** An operator's password rule (the admin CLI reads it from a prompt or stdin). */
export const OPERATOR_PASSWORD_MIN_LENGTH = 12;

/**
 * What the platform's operator does to accounts and service clients (the admin CLI's commands): each
 * change, its audit row and the end of the account's sessions in one transaction, as the HTTP path does
 * its own (a password reset is audited `auth.password_reset` and ends every session; sessions end in
 * Redis and are announced before the commit, so if Redis cannot take it nothing changes). The actor is
 * the operator's tool, not the account changed. These are platform rows: the audit entries carry no
 * organisation (platform administrators read them).
 */
@Injectable()
export class OperatorService {
  constructor(
    private readonly users: UsersRepository,
    private readonly clients: OAuthClientsRepository,
    private readonly sessions: SessionStore,
    private readonly passwords: Passwords,
    private readonly audit: AuditService,
  ) {}

  findUserByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  /**
   * Makes the account of `email` a platform administrator with this password: a new account (its
   * address taken as proven: the operator typed it) or an existing one, enabled again, whose sessions
   * end (the old password's holders are out).
   */
  async grantPlatformAdmin(
    by: OperatorActor,
    input: { email: string; displayName?: string; password: string },
    meta: RequestMeta,
  ): Promise<{ user: User; created: boolean; sessionsEnded: number }> {
    const passwordHash = await this.hash(input.password);
    return this.users.transaction(async (m) => {
      await this.users.lockEmail(input.email, m);
      const existing = await this.users.findByEmail(input.email, m);
      if (existing) {
        await this.users.update(existing.id, { isPlatformAdmin: true, passwordHash, disabledAt: null }, m);
        const ended = await this.endSessions(existing.id, m);
        await this.record(
          by,
          'user.platform_admin_granted',
          'user',
          existing.id,
          { created: false },
          meta,
          m,
        );
        return { user: existing, created: false, sessionsEnded: ended };
      }
      const user = await this.users.create(
        { email: input.email, displayName: input.displayName ?? input.email.split('@')[0], passwordHash },
        m,
      );
      const proven = { isPlatformAdmin: true, emailVerifiedAt: new Date() };
      await this.users.update(user.id, proven, m);
      await this.record(by, 'user.platform_admin_granted', 'user', user.id, { created: true }, meta, m);
      return { user: Object.assign(user, proven), created: true, sessionsEnded: 0 };
    });
  }

  /**
   * As a reset by e-mail does (AuthService): the new password, the reset links mailed before spent,
   * every session ended, audited `auth.password_reset`.
   */
  async resetPassword(
    by: OperatorActor,
    email: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ user: User; sessionsEnded: number }> {
    const passwordHash = await this.hash(password);
    return this.users.transaction(async (m) => {
      const user = await this.users.findByEmail(email, m);
      if (!user) throw new Error(`no account with the e-mail ${email}`);
      await this.users.update(user.id, { passwordHash }, m);
      await this.users.spendEmailTokens(user.id, 'reset_password', m);
      const ended = await this.endSessions(user.id, m);
      await this.record(by, 'auth.password_reset', 'user', user.id, undefined, meta, m);
      return { user, sessionsEnded: ended };
    });
  }

  /** A new service client (client credentials) with this secret; refused if the id is taken. */
  async createServiceClient(
    by: OperatorActor,
    input: { clientId: string; name: string; scopes: string[]; secret: string },
    meta: RequestMeta,
  ): Promise<void> {
    const secretHash = await this.passwords.hash(input.secret);
    await this.clients.transaction(async (m) => {
      if (await this.clients.findForUpdate(input.clientId, m))
        throw new Error(`the OAuth client ${input.clientId} exists already`);
      await this.clients.create(
        { clientId: input.clientId, name: input.name, secretHash, scopes: input.scopes },
        m,
      );
      await this.record(
        by,
        'oauth_client.created',
        'oauth_client',
        input.clientId,
        { scopes: input.scopes },
        meta,
        m,
      );
    });
  }

  /** Creates the client with this secret, or sets its name, secret and scopes (and enables it). */
  async ensureServiceClient(
    by: OperatorActor,
    input: { clientId: string; name: string; scopes: string[]; secret: string },
    meta: RequestMeta,
  ): Promise<'created' | 'updated'> {
    const secretHash = await this.passwords.hash(input.secret);
    return this.clients.transaction(async (m) => {
      const fields = { name: input.name, secretHash, scopes: input.scopes };
      const existing = await this.clients.findForUpdate(input.clientId, m);
      if (existing) await this.clients.replace(input.clientId, fields, m);
      else await this.clients.create({ clientId: input.clientId, ...fields }, m);
      const action = existing ? 'oauth_client.updated' : 'oauth_client.created';
      await this.record(by, action, 'oauth_client', input.clientId, { scopes: input.scopes }, meta, m);
      return existing ? 'updated' : 'created';
    });
  }

  private async hash(password: string): Promise<string> {
    if (password.length < OPERATOR_PASSWORD_MIN_LENGTH)
      throw new Error(`the password must have at least ${OPERATOR_PASSWORD_MIN_LENGTH} characters`);
    return this.passwords.hash(password);
  }

  private async endSessions(userId: string, m: EntityManager): Promise<number> {
    return (await this.sessions.revoke({ userId }, 'password_reset', m)).length;
  }

  private record(
    by: OperatorActor,
    action:
      'user.platform_admin_granted' | 'auth.password_reset' | 'oauth_client.created' | 'oauth_client.updated',
    entityType: string,
    entityId: string,
    details: Record<string, unknown> | undefined,
    meta: RequestMeta,
    m: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      {
        action,
        organizationId: null,
        actorUserId: by.userId,
        actorClientId: by.clientId,
        entityType,
        entityId,
        details,
      },
      meta,
      m,
    );
  }
}
