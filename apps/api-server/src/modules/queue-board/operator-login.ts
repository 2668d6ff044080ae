import { Injectable, Logger } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { Passwords } from '../users/passwords';

/** Bull Board's login: e-mail and password of an enabled platform administrator (HTTP basic auth). */
@Injectable()
export class OperatorLogin {
  private readonly logger = new Logger(OperatorLogin.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: Passwords,
  ) {}

  async verify(email: string, password: string): Promise<boolean> {
    const user = await this.users.findByEmail(email).catch(() => null);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    const allowed = ok && !!user && user.isPlatformAdmin && !user.disabledAt;
    if (!allowed) this.logger.warn('Refused a Bull Board login');
    return allowed;
  }
}
