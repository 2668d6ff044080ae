import { Module } from '@nestjs/common';
import { QueueBoardLoginCoreModule } from '@ppt/api-identity-core';
import { OperatorLoginController } from './operator-login.controller';

/** QueueBoardLogin's routes; the rules live in QueueBoardLoginCoreModule. */
@Module({ imports: [QueueBoardLoginCoreModule], controllers: [OperatorLoginController] })
export class QueueBoardLoginHttpModule {}
