import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { ALL_QUEUES } from '@ppt/queue';
import { IdentityCoreModule } from '../auth/auth.core.module';
import { OperatorLogin } from './operator-login';
import { OperatorSessions } from './operator-sessions';
import { QUEUE_BOARD_ROUTE, QueueBoardGate } from './queue-board-gate';

export { QUEUE_BOARD_ROUTE } from './queue-board-gate';

/** The operators' sign-in (/admin/login, /admin/logout) and the gate in front of the board. */
@Module({
  imports: [IdentityCoreModule],
  providers: [OperatorLogin, OperatorSessions, QueueBoardGate],
  exports: [QueueBoardGate, OperatorLogin, OperatorSessions],
})
export class QueueBoardLoginCoreModule {}

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
