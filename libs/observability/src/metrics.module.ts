import { Controller, Get, Module, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController, PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from './public.decorator';

/** GET /metrics: public to the app (restrict it at the network, where Prometheus scrapes from). */
@Public()
@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}

/** Serves GET /metrics (Prometheus text format) with process metrics and every registered metric. */
@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      defaultMetrics: { enabled: true },
      controller: MetricsController,
    }),
  ],
  exports: [PrometheusModule],
})
export class MetricsModule {}
