import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';

/** Serves GET /metrics (Prometheus text format) with process metrics and every registered metric. */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  exports: [PrometheusModule],
})
export class MetricsModule {}
