import { Injectable } from '@nestjs/common';
import type { EmailTokenPurpose, User } from '@ppt/api-db';
import type { EntityManager } from 'typeorm';
import { UsersRepository } from './users.repository';

/** Accounts as other contexts (and the admin CLI) see them: identity's public API over its repository. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.users.findById(id, manager);
  }

  /** Unused e-mail links of a purpose stop working (after a password change, the reset links). */
  spendEmailTokens(userId: string, purpose: EmailTokenPurpose, manager: EntityManager): Promise<void> {
    return this.users.spendEmailTokens(userId, purpose, manager);
  }
}
