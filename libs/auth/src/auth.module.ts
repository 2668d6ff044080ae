import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import type { AuthOptions, ServiceClientValidator, SessionValidator } from './auth.options';
import { AUTH_OPTIONS, SERVICE_CLIENT_VALIDATOR, SESSION_VALIDATOR } from './auth.tokens';
import { AuthenticationGuard, AuthorizationGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';

export interface AuthModuleOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => AuthOptions;
  /** Provided by the app: the issuer checks its own session store, other services ask the issuer. */
  sessionValidator: Type<SessionValidator>;
  /** Provided by the app: refuses service tokens of clients disabled after the token was issued. */
  clientValidator: Type<ServiceClientValidator>;
}

/** Bearer-token authentication (passport-jwt) and role/scope authorization as global guards. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule, ...(options.imports ?? [])],
      providers: [
        { provide: AUTH_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: SESSION_VALIDATOR, useExisting: options.sessionValidator },
        { provide: SERVICE_CLIENT_VALIDATOR, useExisting: options.clientValidator },
        JwtStrategy,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
      ],
      exports: [AUTH_OPTIONS],
    };
  }
}
