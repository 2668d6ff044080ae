import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { CoreEnv } from '@ppt/config';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value);

export class ApiServerEnv extends CoreEnv {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  /** The api-server worker's own port: health and metrics only. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_WORKER_PORT = 3100;

  /** Operator login for Bull Board at /admin/queues (until platform-admin login replaces it). */
  @IsString()
  @MinLength(3)
  BULL_BOARD_USERNAME = 'operator';

  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  BULL_BOARD_PASSWORD!: string;
}
