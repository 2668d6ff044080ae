import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { ALL_QUEUES } from '@ppt/queue';
import basicAuth from 'express-basic-auth';
import { UsersModule } from '../users/users.module';
import { OperatorLogin } from './operator-login';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

@Module({ imports: [UsersModule], providers: [OperatorLogin], exports: [OperatorLogin] })
export class QueueBoardLoginModule {}

/** Bull Board for operators: every queue, behind a platform administrator's login. */
@Module({
  imports: [
    UsersModule,
    BullBoardModule.forRootAsync({
      imports: [QueueBoardLoginModule],
      inject: [OperatorLogin],
      useFactory: (login: OperatorLogin) => ({
        route: QUEUE_BOARD_ROUTE,
        adapter: ExpressAdapter,
        boardOptions: { uiConfig: { boardTitle: 'PPT queues' } },
        middleware: basicAuth({
          authorizeAsync: true,
          authorizer: (email: string, password: string, done: (err: unknown, ok: boolean) => void) => {
            login.verify(email, password).then(
              (ok) => done(null, ok),
              (err: unknown) => done(err, false),
            );
          },
          challenge: true,
          realm: 'ppt-queues',
        }),
      }),
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullAdapter }))),
  ],
})
export class QueueBoardModule {}
