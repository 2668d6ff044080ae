import { Module } from '@nestjs/common';
import { Passwords } from './passwords';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts and their credentials. */
@Module({
  providers: [UsersRepository, UsersService, Passwords],
  // UsersRepository stays visible to identity's own modules; other contexts get UsersService (the index).
  exports: [UsersRepository, UsersService, Passwords],
})
export class UsersModule {}
