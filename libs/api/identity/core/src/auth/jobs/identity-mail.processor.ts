import { Process, Processor } from '@nestjs/bull';
import { IdentityMailJob, QueueName, type IdentityMailJobData } from '@ppt/queue';
import type { Job } from 'bull';
import { Mailer } from '@ppt/api-shared';
import { mailTemplates } from '@ppt/api-shared';
import { UsersRepository } from '../../users/users.repository';
import { newOpaqueToken } from '../opaque-token';

export const VERIFY_EMAIL_TTL_MS = 48 * 3600_000;
export const RESET_PASSWORD_TTL_MS = 30 * 60_000;

/**
 * Sends the account e-mails the HTTP side only queued. Whether an account exists is decided here,
 * out of the request's sight. A failed send throws, so Bull retries it (a retry makes a fresh token;
 * the unsent one is never known to anyone and expires).
 */
@Processor(QueueName.IdentityMail)
export class IdentityMailProcessor {
  constructor(
    private readonly users: UsersRepository,
    private readonly mailer: Mailer,
  ) {}

  @Process(IdentityMailJob.VerifyEmail)
  async verifyEmail(job: Job<IdentityMailJobData['verify-email']>): Promise<void> {
    const user = await this.users.findById(job.data.userId);
    if (!user || user.emailVerifiedAt) return;
    const verification = newOpaqueToken();
    await this.users.createEmailToken(
      user.id,
      'verify_email',
      verification.hash,
      new Date(Date.now() + VERIFY_EMAIL_TTL_MS),
    );
    await this.mailer.send(
      mailTemplates.verifyEmail(
        user.email,
        user.displayName,
        this.mailer.appLink('verify-email', verification.token),
      ),
    );
  }

  @Process(IdentityMailJob.PasswordReset)
  async passwordReset(job: Job<IdentityMailJobData['password-reset']>): Promise<void> {
    const user = await this.users.findByEmail(job.data.email);
    if (!user || user.disabledAt) return;
    const reset = newOpaqueToken();
    await this.users.createEmailToken(
      user.id,
      'reset_password',
      reset.hash,
      new Date(Date.now() + RESET_PASSWORD_TTL_MS),
    );
    await this.mailer.send(
      mailTemplates.resetPassword(
        user.email,
        user.displayName,
        this.mailer.appLink('reset-password', reset.token),
        RESET_PASSWORD_TTL_MS / 60_000,
      ),
    );
  }

  @Process(IdentityMailJob.RegistrationAttempted)
  async registrationAttempted(job: Job<IdentityMailJobData['registration-attempted']>): Promise<void> {
    const user = await this.users.findByEmail(job.data.email);
    if (!user || user.disabledAt) return;
    await this.mailer.send(
      mailTemplates.registrationAttempted(user.email, user.displayName, this.mailer.appPage('login')),
    );
  }
}
