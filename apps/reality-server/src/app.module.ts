import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ppt/platform';
import type { RealityServerEnv } from './reality-server.env';

/** The Reality Portal's HTTP process: public search and signed-in visitors (SSO through api-server). */
@Module({})
export class AppModule {
  static register(env: RealityServerEnv): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot({ env, service: 'reality-server', role: 'http' })] };
  }
}
