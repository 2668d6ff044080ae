import { Module } from '@nestjs/common';
import { LeaseLifecycleProcessor } from './jobs/lease-lifecycle.processor';
import { LeasesCoreModule } from './leases.core.module';

/** Worker side of leases: the daily lifecycle job's consumer; the handler (LeaseLifecycle) is in LeasesCoreModule. */
@Module({
  imports: [LeasesCoreModule],
  providers: [LeaseLifecycleProcessor],
})
export class LeaseLifecycleModule {}
