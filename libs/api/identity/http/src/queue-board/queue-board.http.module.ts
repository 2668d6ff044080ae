import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { QUEUE_BOARD_ROUTE, QueueBoardGate, QueueBoardLoginCoreModule } from '@ppt/api-identity-core';
import { ALL_QUEUES } from '@ppt/queue';
import { OperatorLoginController } from './operator-login.controller';

/** QueueBoardLogin's routes; the rules live in QueueBoardLoginCoreModule. */
@Module({ imports: [QueueBoardLoginCoreModule], controllers: [OperatorLoginController] })
export class QueueBoardLoginHttpModule {}

/** Bull Board for operators: every queue, behind a platform administrator's operator session. */
@Module({
  imports: [
    QueueBoardLoginCoreModule,
    BullBoardModule.forRootAsync({
      imports: [QueueBoardLoginCoreModule],
      inject: [QueueBoardGate],
      useFactory: (gate: QueueBoardGate) => ({
        route: QUEUE_BOARD_ROUTE,
        adapter: ExpressAdapter,
        boardOptions: { uiConfig: { boardTitle: 'PPT queues' } },
        middleware: gate.handle,
      }),
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullAdapter }))),
  ],
})
export class QueueBoardModule {}
