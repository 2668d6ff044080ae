import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiServerReadiness } from './api-server.readiness';
import { IdentityProviderClient } from './identity-provider.client';
import { IntrospectionCache } from './introspection-cache';
import { JwksKeys } from './jwks-keys';
import { RevocationListener } from './revocation-listener';
import { SsoAuthenticator } from './sso-authenticator';
import { resolveSsoOptions, SSO_OPTIONS, type ResolvedSsoOptions, type SsoOptions } from './sso.options';
import { VisitorGuard } from './visitor.guard';

export interface SsoModuleOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => SsoOptions;
}

/**
 * Single sign-on for a service that trusts api-server's user tokens (the Reality Portal): installs
 * VisitorGuard globally and makes IdentityProviderClient (calls to api-server as this service)
 * available to the app. Needs RedisModule (shared cache and the revocation channel).
 */
@Module({})
export class SsoModule {
  static forRoot(options: SsoModuleOptions): DynamicModule {
    return {
      module: SsoModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: SSO_OPTIONS,
          useFactory: (...deps: never[]) => resolveSsoOptions(options.useFactory(...deps)),
          inject: options.inject ?? [],
        },
        IdentityProviderClient,
        {
          provide: JwksKeys,
          useFactory: (o: ResolvedSsoOptions, provider: IdentityProviderClient) =>
            new JwksKeys(() => provider.jwks(), o.jwksRefetchIntervalMs),
          inject: [SSO_OPTIONS, IdentityProviderClient],
        },
        IntrospectionCache,
        RevocationListener,
        SsoAuthenticator,
        ApiServerReadiness,
        { provide: APP_GUARD, useClass: VisitorGuard },
      ],
      exports: [SsoAuthenticator, ApiServerReadiness, IdentityProviderClient],
    };
  }

  /**
   * Only calls to api-server as this service (IdentityProviderClient), for a worker that signs nobody
   * in (e.g. the portal worker delivering inquiries).
   */
  static forServiceCalls(options: SsoModuleOptions): DynamicModule {
    return {
      module: SsoModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: SSO_OPTIONS,
          useFactory: (...deps: never[]) => resolveSsoOptions(options.useFactory(...deps)),
          inject: options.inject ?? [],
        },
        IdentityProviderClient,
      ],
      exports: [IdentityProviderClient],
    };
  }
}
