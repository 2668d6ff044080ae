import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { UserPrincipal } from '@ppt/auth';
import { type Session, type User } from '@ppt/api-db';
import { TenantTransactions, type MembershipRole } from '@ppt/db';
import { IdentityMailJob, QueueName, type IdentityMailJobData } from '@ppt/queue';
import type { Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import { IdentityEnv } from '../identity.env';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { UsersRepository } from '../users/users.repository';
import { AuthError, AuthErrorCode } from './auth.errors';
import { requireVerifiedEmail } from './email-verified';
import type { LoginDto, RegisterDto } from './dto/auth.dto';
import type { MeResponse, SessionResponse, TokenPairResponse } from './dto/auth.response';
import { PasswordDoor, PasswordDoors } from './password-doors';
import { newOpaqueToken, sha256 } from './opaque-token';
import { Passwords } from '../users/passwords';
import { isSessionActive, SessionStore } from '../sessions/session-store';
import { SessionsRepository } from '../sessions/sessions.repository';
import { TokenIssuer, type IssuedAccessToken } from './token-issuer';

/** Accounts, sign-in, sessions and their refresh-token families. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly sessionStore: SessionStore,
    private readonly organizations: OrganizationsRepository,
    private readonly tenant: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly tokens: TokenIssuer,
    private readonly doors: PasswordDoors,
    private readonly audit: AuditService,
    @InjectQueue(QueueName.IdentityMail) private readonly identityMail: Queue,
  ) {}

  /**
   * Answers alike for a new and a taken address (no enumeration): both hash the password, write an
   * audit entry and queue one e-mail — a confirmation link for the new account, or "someone tried to
   * register with your address" to the owner of the existing one.
   */
  async register(dto: RegisterDto, meta: RequestMeta): Promise<void> {
    await this.doors.check(PasswordDoor.Register, dto.email, meta.ip);
    const passwordHash = await this.passwords.hash(dto.password);
    const outcome = await this.sessions.transaction(async (manager) => {
      await this.users.lockEmail(dto.email, manager);
      const existing = await this.users.findByEmail(dto.email, manager);
      const created = existing
        ? null
        : await this.users.create({ email: dto.email, displayName: dto.displayName, passwordHash }, manager);
      await this.audit.record(
        created
          ? { action: 'auth.register', actorUserId: created.id, entityType: 'user', entityId: created.id }
          : {
              action: 'auth.register_existing',
              actorUserId: null,
              entityType: 'user',
              entityId: existing?.id,
            },
        meta,
        manager,
      );
      return created;
    });
    if (outcome) await this.queueMail(IdentityMailJob.VerifyEmail, { userId: outcome.id });
    else await this.queueMail(IdentityMailJob.RegistrationAttempted, { email: dto.email });
  }

  async login(dto: LoginDto, meta: RequestMeta): Promise<TokenPairResponse> {
    await this.doors.check(PasswordDoor.SignIn, dto.email, meta.ip);
    const user = await this.users.findByEmail(dto.email);
    // Verified against a dummy hash for an unknown address too, so timing does not tell them apart.
    const passwordOk = await this.passwords.verify(user?.passwordHash, dto.password);
    if (!user || !passwordOk || user.disabledAt) {
      await this.doors.failed(PasswordDoor.SignIn, dto.email, meta.ip);
      await this.audit.record(
        {
          action: 'auth.login_failed',
          actorUserId: user?.id ?? null,
          details: { reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'wrong_password' },
        },
        meta,
      );
      throw new AuthError(AuthErrorCode.InvalidCredentials, 'Invalid e-mail or password');
    }
    await this.doors.succeeded(PasswordDoor.SignIn, dto.email, meta.ip);
    // An unproven address signs in but acts in no organisation: its memberships are not used.
    if (dto.organizationId && !user.emailVerifiedAt) requireVerifiedEmail(user);
    const membership = user.emailVerifiedAt ? await this.pickMembership(user, dto.organizationId) : null;
    const now = Date.now();
    const session = await this.sessions.create({
      userId: user.id,
      currentOrganizationId: membership?.organizationId ?? null,
      userAgent: meta.userAgent,
      ip: meta.ip,
      idleExpiresAt: new Date(now + this.env.AUTH_REFRESH_IDLE_TTL_S * 1000),
      absoluteExpiresAt: new Date(now + this.env.AUTH_REFRESH_ABSOLUTE_TTL_S * 1000),
    });
    const refresh = newOpaqueToken();
    await this.sessions.addRefreshToken(session.id, refresh.hash, session.idleExpiresAt);
    await this.sessionStore.remember(session.id, session);
    await this.audit.record(
      {
        action: 'auth.login',
        organizationId: membership?.organizationId ?? null,
        actorUserId: user.id,
        entityType: 'session',
        entityId: session.id,
      },
      meta,
    );
    return {
      ...this.tokens.forUser(user, {
        id: session.id,
        generation: session.generation,
        organizationId: membership?.organizationId ?? null,
        role: membership?.role ?? null,
      }),
      refreshToken: refresh.token,
    };
  }

  /**
   * Rotates a refresh token. A token that was already rotated is a replay (stolen or raced):
   * the whole session — every token of the family — is revoked. The session row is locked, so a
   * logout or switch of the same session waits for this rotation or is seen by it; and what is
   * cached afterwards cannot bring back a session a logout ended meanwhile (SessionStore.remember).
   */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPairResponse> {
    const outcome = await this.sessions.transaction(async (manager) => {
      const stored = await this.sessions.findRefreshTokenForUpdate(sha256(refreshToken), manager);
      if (!stored) return { kind: 'invalid' as const };
      const session = await this.sessions.findByIdForUpdate(stored.sessionId, manager);
      if (stored.rotatedAt) {
        await this.sessionStore.revoke({ id: stored.sessionId }, 'refresh_reuse', manager);
        return { kind: 'reuse' as const, session };
      }
      if (!isSessionActive(session) || stored.expiresAt <= new Date()) return { kind: 'invalid' as const };
      const user = await this.users.findById(session.userId, manager);
      if (!user || user.disabledAt) return { kind: 'invalid' as const };

      await this.sessions.markRotated(stored.id, manager);
      const now = Date.now();
      const idleExpiresAt = new Date(
        Math.min(now + this.env.AUTH_REFRESH_IDLE_TTL_S * 1000, session.absoluteExpiresAt.getTime()),
      );
      await this.sessions.update(session.id, { lastUsedAt: new Date(now), idleExpiresAt }, manager);
      const next = newOpaqueToken();
      await this.sessions.addRefreshToken(session.id, next.hash, idleExpiresAt, manager);
      return {
        kind: 'rotated' as const,
        session: { ...session, idleExpiresAt },
        user,
        refreshToken: next.token,
      };
    });

    if (outcome.kind === 'reuse') {
      await this.audit.record(
        {
          action: 'auth.refresh_reuse',
          actorUserId: outcome.session?.userId ?? null,
          entityType: 'session',
          entityId: outcome.session?.id,
        },
        meta,
      );
      throw new AuthError(
        AuthErrorCode.InvalidRefreshToken,
        'Refresh token already used; the session has been ended',
      );
    }
    if (outcome.kind === 'invalid')
      throw new AuthError(AuthErrorCode.InvalidRefreshToken, 'Invalid or expired refresh token');
    await this.sessionStore.remember(outcome.session.id, outcome.session as Session);
    const access = await this.accessFor(outcome.user, outcome.session as Session);
    return { ...access, refreshToken: outcome.refreshToken };
  }

  async logout(principal: UserPrincipal, meta: RequestMeta): Promise<void> {
    await this.sessionStore.revoke({ id: principal.sessionId, userId: principal.userId }, 'logout');
    await this.audit.record(
      {
        action: 'auth.logout',
        organizationId: null,
        actorUserId: principal.userId,
        entityType: 'session',
        entityId: principal.sessionId,
      },
      meta,
    );
  }

  async me(principal: UserPrincipal): Promise<MeResponse> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AuthError(AuthErrorCode.InvalidCredentials, 'The account no longer exists');
    const memberships = await this.tenant.run({ userId: user.id }, (m) =>
      this.organizations.listForUser(m, user.id),
    );
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      emailVerified: user.emailVerifiedAt !== null,
      platformAdmin: user.isPlatformAdmin,
      organizationId: principal.organizationId,
      role: principal.role,
      sessionId: principal.sessionId,
      memberships: memberships.map((m) => ({
        organizationId: m.organization.id,
        organizationName: m.organization.name,
        role: m.role,
      })),
    };
  }

  async listSessions(principal: UserPrincipal): Promise<SessionResponse[]> {
    const sessions = await this.sessions.findActiveForUser(principal.userId);
    return sessions.map((s) => ({
      id: s.id,
      current: s.id === principal.sessionId,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt,
    }));
  }

  /** Ends one of the caller's own sessions; another user's session id is simply not found. */
  async revokeSession(principal: UserPrincipal, sessionId: string, meta: RequestMeta): Promise<boolean> {
    const revoked = await this.sessionStore.revoke(
      { id: sessionId, userId: principal.userId },
      'revoked_by_user',
    );
    if (revoked.length === 0) return false;
    await this.audit.record(
      {
        action: 'auth.session_revoked',
        actorUserId: principal.userId,
        entityType: 'session',
        entityId: sessionId,
      },
      meta,
    );
    return true;
  }

  async switchOrganization(
    principal: UserPrincipal,
    organizationId: string,
    meta: RequestMeta,
  ): Promise<IssuedAccessToken> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AuthError(AuthErrorCode.InvalidCredentials, 'The account no longer exists');
    requireVerifiedEmail(user);
    const membership = await this.tenant.run({ userId: user.id }, (m) =>
      this.organizations.findMembership(m, organizationId, user.id),
    );
    if (!membership)
      throw new AuthError(AuthErrorCode.NotAMember, 'You are not a member of this organisation');
    // A new generation: the token the session held so far (acting in the old organisation) stops working.
    const [advanced] = await this.sessionStore.advance(
      { id: principal.sessionId, userId: user.id },
      { currentOrganizationId: organizationId },
    );
    if (!advanced) throw new AuthError(AuthErrorCode.InvalidCredentials, 'The session has ended');
    await this.audit.record(
      {
        action: 'auth.organization_switched',
        organizationId,
        actorUserId: user.id,
        entityType: 'session',
        entityId: principal.sessionId,
      },
      meta,
    );
    return this.tokens.forUser(user, {
      id: principal.sessionId,
      generation: advanced.generation,
      organizationId,
      role: membership.role,
    });
  }

  async changePassword(
    principal: UserPrincipal,
    current: string,
    next: string,
    meta: RequestMeta,
  ): Promise<void> {
    // A stolen access token must not become a way to guess the password behind it.
    await this.doors.check(PasswordDoor.PasswordChange, principal.userId, meta.ip);
    const user = await this.users.findById(principal.userId);
    if (!user || !(await this.passwords.verify(user.passwordHash, current))) {
      await this.doors.failed(PasswordDoor.PasswordChange, principal.userId, meta.ip);
      throw new AuthError(AuthErrorCode.InvalidCredentials, 'The current password is not correct');
    }
    await this.doors.succeeded(PasswordDoor.PasswordChange, principal.userId, meta.ip);
    const passwordHash = await this.passwords.hash(next);
    await this.sessions.transaction((manager) =>
      this.setPasswordAndEndSessions(user.id, passwordHash, 'password_changed', meta, manager),
    );
  }

  /**
   * Always answers the same, in the same time (no account enumeration): the request only queues a
   * job; the worker decides whether the address has an account and sends the link.
   */
  async forgotPassword(email: string, meta: RequestMeta): Promise<void> {
    await this.doors.check(PasswordDoor.PasswordForgot, email, meta.ip);
    if (await this.doors.resetMailAllowed(email))
      await this.queueMail(IdentityMailJob.PasswordReset, { email });
  }

  /** The token is looked up before the new password is hashed: a wrong token costs no argon2 run. */
  async resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
    await this.doors.check(PasswordDoor.PasswordReset, null, meta.ip);
    if (!(await this.users.findUsableEmailToken(sha256(token), 'reset_password'))) {
      await this.doors.failed(PasswordDoor.PasswordReset, null, meta.ip);
      throw new AuthError(AuthErrorCode.InvalidEmailToken, 'The link is invalid or has expired');
    }
    const passwordHash = await this.passwords.hash(newPassword);
    await this.sessions.transaction(async (manager) => {
      const claimed = await this.users.consumeEmailToken(sha256(token), 'reset_password', manager);
      if (!claimed)
        throw new AuthError(AuthErrorCode.InvalidEmailToken, 'The link is invalid or has expired');
      // The link was mailed to the address, so using it proves the mailbox. Ending every session (below)
      // is what throws out whoever registered the address before its owner did.
      if (await this.users.markEmailVerified(claimed.userId, manager)) {
        await this.audit.record(
          {
            action: 'auth.email_verified',
            actorUserId: claimed.userId,
            entityType: 'user',
            entityId: claimed.userId,
            details: { via: 'password_reset' },
          },
          meta,
          manager,
        );
      }
      await this.setPasswordAndEndSessions(claimed.userId, passwordHash, 'password_reset', meta, manager);
    });
  }

  /**
   * Confirms the address of the signed-in account. A link for another account is refused like an
   * invalid one and stays unused: if someone registered the address before its owner, the owner's
   * click does not hand that account a verified address (the owner resets the password instead,
   * which proves the mailbox and ends the squatter's sessions).
   */
  async verifyEmail(principal: UserPrincipal, token: string, meta: RequestMeta): Promise<void> {
    const invalid = () =>
      new AuthError(AuthErrorCode.InvalidEmailToken, 'The link is invalid or has expired');
    const found = await this.users.findUsableEmailToken(sha256(token), 'verify_email');
    if (!found || found.userId !== principal.userId) throw invalid();
    await this.sessions.transaction(async (manager) => {
      const claimed = await this.users.consumeEmailToken(sha256(token), 'verify_email', manager);
      if (!claimed || claimed.userId !== principal.userId) throw invalid();
      await this.users.update(claimed.userId, { emailVerifiedAt: new Date() }, manager);
      await this.audit.record(
        {
          action: 'auth.email_verified',
          actorUserId: claimed.userId,
          entityType: 'user',
          entityId: claimed.userId,
        },
        meta,
        manager,
      );
    });
  }

  /** Disabling an account ends every session at once. */
  async disableUser(actor: UserPrincipal, userId: string, meta: RequestMeta): Promise<boolean> {
    const user = await this.users.findById(userId);
    if (!user) return false;
    await this.sessions.transaction(async (manager) => {
      await this.users.update(userId, { disabledAt: new Date() }, manager);
      await this.sessionStore.revoke({ userId }, 'account_disabled', manager);
    });
    await this.audit.record(
      { action: 'user.disabled', actorUserId: actor.userId, entityType: 'user', entityId: userId },
      meta,
    );
    return true;
  }

  /**
   * One transaction: the new password, every reset link mailed before it spent, every session ended
   * (in Redis and announced before the commit: if that cannot be done, nothing changes and the
   * request fails with 503).
   */
  private async setPasswordAndEndSessions(
    userId: string,
    passwordHash: string,
    reason: 'password_changed' | 'password_reset',
    meta: RequestMeta,
    manager: EntityManager,
  ): Promise<void> {
    await this.users.update(userId, { passwordHash }, manager);
    await this.users.spendEmailTokens(userId, 'reset_password', manager);
    await this.sessionStore.revoke({ userId }, reason, manager);
    await this.audit.record(
      {
        action: reason === 'password_reset' ? 'auth.password_reset' : 'auth.password_changed',
        actorUserId: userId,
        entityType: 'user',
        entityId: userId,
      },
      meta,
      manager,
    );
  }

  private async accessFor(user: User, session: Session): Promise<IssuedAccessToken> {
    const orgId = user.emailVerifiedAt ? session.currentOrganizationId : null;
    const membership = orgId
      ? await this.tenant.run({ userId: user.id }, (m) =>
          this.organizations.findMembership(m, orgId, user.id),
        )
      : null;
    return this.tokens.forUser(user, {
      id: session.id,
      generation: session.generation,
      organizationId: membership ? orgId : null,
      role: membership?.role ?? null,
    });
  }

  private async pickMembership(
    user: User,
    requested?: string,
  ): Promise<{ organizationId: string; role: MembershipRole } | null> {
    const memberships = await this.tenant.run({ userId: user.id }, (m) =>
      this.organizations.listForUser(m, user.id),
    );
    if (requested) {
      const match = memberships.find((m) => m.organization.id === requested);
      if (!match) throw new AuthError(AuthErrorCode.NotAMember, 'You are not a member of this organisation');
      return { organizationId: match.organization.id, role: match.role };
    }
    const first = memberships[0];
    return first ? { organizationId: first.organization.id, role: first.role } : null;
  }

  /**
   * Queues an account e-mail for the worker. Not kept once sent (the job holds an address). Failing to
   * queue is logged, not answered: every path queues exactly one job, so the answer stays the same.
   */
  private async queueMail<J extends IdentityMailJob>(job: J, data: IdentityMailJobData[J]): Promise<void> {
    await this.identityMail
      .add(job, data, { removeOnComplete: true })
      .catch((err: Error) => this.logger.error({ err }, `Could not queue the ${job} e-mail`));
  }
}
