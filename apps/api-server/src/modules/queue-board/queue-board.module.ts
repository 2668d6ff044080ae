import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { Module, type DynamicModule } from '@nestjs/common';
import { ALL_QUEUES } from '@ppt/queue';
import basicAuth from 'express-basic-auth';
import type { ApiServerEnv } from '../../api-server.env';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Bull Board for operators: every queue, behind the operator's credentials. */
@Module({})
export class QueueBoardModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_ROUTE,
          adapter: ExpressAdapter,
          boardOptions: { uiConfig: { boardTitle: 'PPT queues' } },
          middleware: basicAuth({
            users: { [env.BULL_BOARD_USERNAME]: env.BULL_BOARD_PASSWORD },
            challenge: true,
            realm: 'ppt-queues',
          }),
        }),
        BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullAdapter }))),
      ],
    };
  }
}
