import { Module } from '@nestjs/common';
import { MailModule } from '@ppt/api-shared';
import { UsersModule } from '../users/users.module';
import { IdentityMailProcessor } from './jobs/identity-mail.processor';

/** Worker side of identity: the account e-mails (see IdentityMailJob). */
@Module({ imports: [UsersModule, MailModule], providers: [IdentityMailProcessor] })
export class IdentityMailWorkerModule {}
