import { Module } from '@nestjs/common';
import { OAuthClientsRepository } from './oauth-clients.repository';

/** The service clients' table alone (no Redis subscription): for the operator's commands and the status check. */
@Module({ providers: [OAuthClientsRepository], exports: [OAuthClientsRepository] })
export class OAuthClientsModule {}
