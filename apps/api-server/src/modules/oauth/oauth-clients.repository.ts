import { Injectable } from '@nestjs/common';
import { OAuthClient } from '@ppt/db';
import { DataSource } from 'typeorm';

/** Service clients (a global table: clients belong to the platform, not to an organisation). */
@Injectable()
export class OAuthClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByClientId(clientId: string): Promise<OAuthClient | null> {
    return this.dataSource.manager.findOneBy(OAuthClient, { clientId });
  }
}
