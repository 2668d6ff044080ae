import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from './base.entity';

/** A service (reality-server, an integration) that obtains tokens with client credentials. */
@Entity('oauth_clients')
@Index('uq_oauth_clients_client_id', ['clientId'], { unique: true })
export class OAuthClient extends BaseEntity {
  @Column({ type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** argon2id of the secret; the secret itself is shown once, at creation. */
  @Column({ type: 'varchar', length: 255 })
  secretHash!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
