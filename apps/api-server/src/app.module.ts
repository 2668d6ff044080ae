import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ppt/platform';
import type { ApiServerEnv } from './api-server.env';
import { QueueBoardModule } from './modules/queue-board/queue-board.module';

/** The PM API's HTTP process: controllers and queue producers; consumers live in WorkerModule. */
@Module({})
export class AppModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ env, service: 'api-server', role: 'http' }), QueueBoardModule.register(env)],
    };
  }
}
