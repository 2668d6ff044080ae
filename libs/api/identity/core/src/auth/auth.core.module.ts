import { Module } from '@nestjs/common';
import { SigningKeys } from '@ppt/auth';
import { IdentityEnv } from '../identity.env';
import { MailModule } from '@ppt/api-shared';
import { OrganizationsCoreModule } from '../organizations/organizations.core.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthService } from './auth.service';
import { PasswordDoorsModule } from './password-doors.module';
import { TokenIssuer } from './token-issuer';

/** The identity provider: accounts, sign-in, sessions, tokens and the published keys. */
@Module({
  imports: [UsersModule, SessionsModule, OrganizationsCoreModule, MailModule, PasswordDoorsModule],
  providers: [
    {
      provide: SigningKeys,
      inject: [IdentityEnv],
      useFactory: (env: IdentityEnv) =>
        new SigningKeys(env.AUTH_JWT_PRIVATE_KEY, env.AUTH_JWT_PREVIOUS_PUBLIC_KEYS),
    },
    AuthService,
    TokenIssuer,
  ],
  exports: [SigningKeys, TokenIssuer, AuthService, PasswordDoorsModule, SessionsModule, UsersModule],
})
export class IdentityCoreModule {}
