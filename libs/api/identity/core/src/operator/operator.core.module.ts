import { Module } from '@nestjs/common';
import { OAuthClientsModule } from '../oauth/oauth-clients.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { OperatorService } from './operator.service';

/** The operator's commands on accounts and service clients (the admin CLI; nothing HTTP). */
@Module({
  imports: [UsersModule, SessionsModule, OAuthClientsModule],
  providers: [OperatorService],
  exports: [OperatorService],
})
export class OperatorCoreModule {}
