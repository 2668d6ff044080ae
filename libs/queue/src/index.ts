export { JITTERED_BACKOFF, jitteredBackoff, type JitteredBackoffOptions } from './backoff';
export { checkJobHandlers, JobHandlerCheckModule, type ConsumedQueues } from './job-handler-check';
export { QueueModule } from './queue.module';
export {
  ALL_QUEUES,
  COMPLETED_JOBS_KEPT,
  DEFAULT_BACKOFF_DELAY_MS,
  DEFAULT_JOB_ATTEMPTS,
  DEFAULT_JOB_OPTIONS,
  IdentityMailJob,
  MaintenanceJob,
  NotificationJob,
  PortalAlertJob,
  PortalFeedJob,
  PortalInquiryJob,
  type PortalFeedListing,
  type PortalInquiryReplyJobData,
  QueueName,
  SyndicationJob,
  type DocumentJobData,
  type AlertDeliveryJobData,
  type IdentityMailJobData,
  type NotificationJobData,
  type SavedSearchAlertData,
  type PortalSyncJobData,
} from './queue-names';
export { QueueWorkerGuard } from './queue-worker.guard';
export { scheduleRepeatable } from './schedule';
export {
  collectSchedules,
  Scheduled,
  type FoundSchedule,
  type ScheduledJob,
  type ScheduledOptions,
} from './scheduled';
export { addFresh } from './add-fresh';
export { JobWaitTimeout, waitForJob } from './wait-for-job';
export {
  onJobExecuted,
  TRACE_CONTEXT_KEY,
  traceBullJobs,
  withTraceContext,
  type JobExecution,
} from './job-tracing';
export { JobRunRecorder } from './job-runs.recorder';
