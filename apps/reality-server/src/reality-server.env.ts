import { CoreEnv, IsPort } from '@ppt/config';

export class RealityServerEnv extends CoreEnv {
  @IsPort()
  REALITY_PORT = 3001;

  /** The reality-server worker's own port: health and metrics only. */
  @IsPort()
  REALITY_WORKER_PORT = 3101;
}
