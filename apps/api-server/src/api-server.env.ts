import { IsString, MinLength } from 'class-validator';
import { CoreEnv, IsPort } from '@ppt/config';

export class ApiServerEnv extends CoreEnv {
  @IsPort()
  API_PORT = 3000;

  /** The api-server worker's own port: health and metrics only. */
  @IsPort()
  API_WORKER_PORT = 3100;

  /** Operator login for Bull Board at /admin/queues (until platform-admin login replaces it). */
  @IsString()
  @MinLength(3)
  BULL_BOARD_USERNAME = 'operator';

  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  BULL_BOARD_PASSWORD!: string;
}
