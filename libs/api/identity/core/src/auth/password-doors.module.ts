import { Module } from '@nestjs/common';
import { PasswordDoors } from './password-doors';

/** The password doors on their own, so features below identity (organisations) can use them without a cycle. */
@Module({
  providers: [PasswordDoors],
  exports: [PasswordDoors],
})
export class PasswordDoorsModule {}
