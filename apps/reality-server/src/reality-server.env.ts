import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CoreEnv } from '@ppt/config';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value);

export class RealityServerEnv extends CoreEnv {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  REALITY_PORT = 3001;

  /** The reality-server worker's own port: health and metrics only. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  REALITY_WORKER_PORT = 3101;
}
