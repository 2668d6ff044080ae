import { Module } from '@nestjs/common';
import { SigningKeys } from '@ppt/auth';
import { ApiServerEnv } from '../../api-server.env';
import { MailModule } from '../mail/mail.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwksController } from './jwks.controller';
import { PasswordDoorsModule } from './password-doors.module';
import { TokenIssuer } from './token-issuer';

/** The identity provider: accounts, sign-in, sessions, tokens and the published keys. */
@Module({
  imports: [UsersModule, SessionsModule, OrganizationsModule, MailModule, PasswordDoorsModule],
  controllers: [AuthController, JwksController],
  providers: [
    {
      provide: SigningKeys,
      inject: [ApiServerEnv],
      useFactory: (env: ApiServerEnv) =>
        new SigningKeys(env.AUTH_JWT_PRIVATE_KEY, env.AUTH_JWT_PREVIOUS_PUBLIC_KEYS),
    },
    AuthService,
    TokenIssuer,
  ],
  exports: [SigningKeys, TokenIssuer, AuthService, PasswordDoorsModule, SessionsModule, UsersModule],
})
export class IdentityModule {}
