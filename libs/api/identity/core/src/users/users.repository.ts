import { Injectable } from '@nestjs/common';
import { EmailToken, User, type EmailTokenPurpose } from '@ppt/api-db';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';

/** Accounts and their single-use e-mail tokens (global tables: a user may belong to many organisations). */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.m(manager).findOneBy(User, { id });
  }

  /** Enabled platform administrators (the in-app alert channel's audience). */
  async platformAdminIds(manager?: EntityManager): Promise<string[]> {
    const admins = await this.m(manager).find(User, {
      select: { id: true },
      where: { isPlatformAdmin: true, disabledAt: IsNull() },
    });
    return admins.map((u) => u.id);
  }

  /** Case-insensitive, matching the unique index on lower(email). */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.m(manager)
      .createQueryBuilder(User, 'u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  /**
   * Serialises work on one address until the transaction ends, so "is it taken?" and the insert cannot
   * race another registration of the same address (a unique violation would abort the transaction).
   */
  async lockEmail(email: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended(lower($1), 0))`, [email]);
  }

  async create(
    data: Pick<User, 'email' | 'displayName' | 'passwordHash'>,
    manager?: EntityManager,
  ): Promise<User> {
    const user = this.m(manager).create(User, {
      ...data,
      emailVerifiedAt: null,
      isPlatformAdmin: false,
      disabledAt: null,
    });
    return this.m(manager).save(user);
  }

  async update(
    id: string,
    changes: Partial<
      Pick<User, 'passwordHash' | 'emailVerifiedAt' | 'disabledAt' | 'displayName' | 'isPlatformAdmin'>
    >,
    manager?: EntityManager,
  ): Promise<void> {
    await this.m(manager).update(User, { id }, changes);
  }

  /** Marks the address proven, once; says whether it was unproven until now. */
  async markEmailVerified(id: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(User)
      .set({ emailVerifiedAt: () => 'now()' })
      .where('id = :id AND email_verified_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async createEmailToken(
    userId: string,
    purpose: EmailTokenPurpose,
    tokenHash: string,
    expiresAt: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await this.m(manager).insert(EmailToken, { userId, purpose, tokenHash, expiresAt, usedAt: null });
  }

  /** An unused, unexpired token, without claiming it: lets a request refuse a bad token before any hashing. */
  async findUsableEmailToken(tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
    return this.m().findOne(EmailToken, {
      where: { tokenHash, purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
  }

  /** Claims an unused, unexpired token once (row lock): a second use finds nothing. */
  async consumeEmailToken(
    tokenHash: string,
    purpose: EmailTokenPurpose,
    manager: EntityManager,
  ): Promise<EmailToken | null> {
    const token = await manager.findOne(EmailToken, {
      where: { tokenHash, purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      lock: { mode: 'pessimistic_write' },
    });
    if (token) await manager.update(EmailToken, { id: token.id }, { usedAt: new Date() });
    return token;
  }

  /** Spends every outstanding token of one purpose (e.g. reset links mailed before a password change). */
  async spendEmailTokens(userId: string, purpose: EmailTokenPurpose, manager: EntityManager): Promise<void> {
    await manager.update(EmailToken, { userId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
  }
}
