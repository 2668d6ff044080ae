import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ppt/platform';
import type { RealityServerEnv } from './reality-server.env';

/** The portal's worker process: queue consumers only; serves health and metrics over HTTP. */
@Module({})
export class WorkerModule {
  static register(env: RealityServerEnv): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.forRoot({ env, service: 'reality-worker', role: 'worker' })] };
  }
}
