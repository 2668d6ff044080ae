import { Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ApiServerReadiness, SsoModule } from '@ppt/auth';
import { OptionalDependencies } from '@ppt/http';
import type { RealityServerEnv } from '../reality-server.env';
import { MeController } from './me.controller';
import { signInOptionsFrom } from './sso.config';

/**
 * PM accounts sign in to the portal with api-server's tokens. Routes need a signed-in visitor
 * unless they say @Public() or @OptionalSignIn().
 */
/** Whether SSO_CLIENT_SECRET is set (outside production it may be left out: SSO is then off). */
const SSO_CONFIGURED = Symbol('SSO_CONFIGURED');

@Module({})
export class PortalSsoModule implements OnModuleInit {
  constructor(
    private readonly health: OptionalDependencies,
    private readonly apiServer: ApiServerReadiness,
    @Inject(SSO_CONFIGURED) private readonly configured: boolean,
  ) {}

  static register(env: RealityServerEnv): DynamicModule {
    const options = signInOptionsFrom(env);
    if (!options.clientSecret) {
      new Logger('PortalSso').warn(
        'SSO_CLIENT_SECRET is unset: signed-in routes answer 503 until it is configured',
      );
    }
    return {
      module: PortalSsoModule,
      imports: [SsoModule.forRoot({ useFactory: () => options })],
      providers: [{ provide: SSO_CONFIGURED, useValue: !!options.clientSecret }],
      controllers: [MeController],
    };
  }

  /**
   * api-server down means no new sign-ins, but listings and cached sessions still work: degraded, not
   * unready. Never reached since start is different: a wrong API_SERVER_URL or a closed network path,
   * which must fail the rollout instead of passing it with SSO and inquiry delivery broken. With SSO
   * deliberately off (no client secret, outside production) the portal does not need api-server.
   */
  onModuleInit(): void {
    this.health.add(this.apiServer, { requiredUntilUp: this.configured });
  }
}
