import { Module } from '@nestjs/common';
import { TraceStoreReader } from './trace-store.reader';
import { TracesService } from './traces.service';

/** The platform's infrastructure views (traces): services and store readers; exports the services. */
@Module({ providers: [TraceStoreReader, TracesService], exports: [TracesService] })
export class InfrastructureCoreModule {}
