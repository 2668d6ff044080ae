import { Module } from '@nestjs/common';
import { Passwords } from './passwords';
import { UsersRepository } from './users.repository';

/** Accounts and their credentials. */
@Module({ providers: [UsersRepository, Passwords], exports: [UsersRepository, Passwords] })
export class UsersModule {}
