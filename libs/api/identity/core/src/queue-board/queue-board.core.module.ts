import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../auth/auth.core.module';
import { OperatorLogin } from './operator-login';
import { OperatorSessions } from './operator-sessions';
import { QueueBoardGate } from './queue-board-gate';

/** The operators' sign-in (/admin/login, /admin/logout) and the gate in front of the board. */
@Module({
  imports: [IdentityCoreModule],
  providers: [OperatorLogin, OperatorSessions, QueueBoardGate],
  exports: [QueueBoardGate, OperatorLogin, OperatorSessions],
})
export class QueueBoardLoginCoreModule {}
