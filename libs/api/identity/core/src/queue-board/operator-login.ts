import { Injectable } from '@nestjs/common';
import type { User } from '@ppt/api-db';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { AuthError, AuthErrorCode } from '../auth/auth.errors';
import { PasswordDoor, PasswordDoors } from '../auth/password-doors';
import { Passwords } from '../users/passwords';
import { UsersRepository } from '../users/users.repository';
import { OperatorSessions, passwordFingerprint, type OperatorSession } from './operator-sessions';

export interface Operator {
  user: User;
  session: OperatorSession;
}

/** Bull Board's sign-in: an enabled platform administrator's e-mail and password start an operator session. */
@Injectable()
export class OperatorLogin {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: Passwords,
    private readonly doors: PasswordDoors,
    private readonly sessions: OperatorSessions,
    private readonly audit: AuditService,
  ) {}

  /** Limited like the API's login; every refusal looks the same, whatever was wrong. */
  async signIn(
    email: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ id: string; operator: Operator }> {
    await this.doors.check(PasswordDoor.OperatorSignIn, email, meta.ip);
    const user = await this.users.findByEmail(email);
    const passwordOk = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !passwordOk || !this.mayOperate(user)) {
      await this.doors.failed(PasswordDoor.OperatorSignIn, email, meta.ip);
      await this.audit.record(
        {
          action: 'operator.login_failed',
          actorUserId: user?.id ?? null,
          details: { reason: !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'not_an_operator' },
        },
        meta,
      );
      throw new AuthError(AuthErrorCode.InvalidCredentials, 'Invalid e-mail or password');
    }
    await this.doors.succeeded(PasswordDoor.OperatorSignIn, email, meta.ip);
    const { id, session } = await this.sessions.create(user.id, user.passwordHash);
    await this.audit.record({ action: 'operator.login', actorUserId: user.id }, meta);
    return { id, operator: { user, session } };
  }

  /**
   * The operator of a session id, re-checked against the account on every request: a disabled account,
   * a lost platform-admin flag or a changed password ends the session there and then.
   */
  async operatorOf(sessionId: string): Promise<Operator | null> {
    const session = await this.sessions.touch(sessionId);
    if (!session) return null;
    const user = await this.users.findById(session.userId);
    if (
      !user ||
      !this.mayOperate(user) ||
      passwordFingerprint(user.passwordHash) !== session.passwordFingerprint
    ) {
      await this.sessions.end(sessionId);
      return null;
    }
    return { user, session };
  }

  async signOut(sessionId: string, operator: Operator | null, meta: RequestMeta): Promise<void> {
    await this.sessions.end(sessionId);
    if (operator) await this.audit.record({ action: 'operator.logout', actorUserId: operator.user.id }, meta);
  }

  private mayOperate(user: User): boolean {
    return user.isPlatformAdmin && !user.disabledAt;
  }
}
