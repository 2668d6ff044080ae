import { Module } from '@nestjs/common';
import { SessionStore } from './session-store';
import { SessionsRepository } from './sessions.repository';

/** Sessions (PostgreSQL, durable) with their Redis mirror; SessionStore is the bearer strategy's validator. */
@Module({ providers: [SessionsRepository, SessionStore], exports: [SessionsRepository, SessionStore] })
export class SessionsModule {}
