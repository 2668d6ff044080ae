export { checkJobHandlers, JobHandlerCheckModule, type ConsumedQueues } from './job-handler-check';
export { QueueModule } from './queue.module';
export {
  ALL_QUEUES,
  COMPLETED_JOBS_KEPT,
  DEFAULT_BACKOFF_DELAY_MS,
  DEFAULT_JOB_ATTEMPTS,
  DEFAULT_JOB_OPTIONS,
  MaintenanceJob,
  PortalInquiryJob,
  QueueName,
  type DocumentJobData,
} from './queue-names';
export { QueueWorkerGuard } from './queue-worker.guard';
