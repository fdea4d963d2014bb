// `@scalewise/train/queue`: runs of a sweep spread over machines with BullMQ on Redis. Kept out of the main
// entry so that users of the trainer alone never load bullmq or ioredis.
export { parseQueueUrl, redactUrl, type QueueTarget } from './url.js';
export { probeRedis, QueueError, QUEUE_NAME } from './connection.js';
export { runJobId, type RunJobData, type RunJobResult, type RunValidation } from './jobs.js';
export { runQueuedSweep, type QueuedSweepOptions, type QueuedSweepOutcome } from './client.js';
export {
  openQueueRunner,
  QueuedRunFailed,
  QueueWaitAborted,
  type CollectedRun,
  type FailedRun,
  type QueuedRunInput,
  type QueueProgress,
  type QueueRunner,
  type QueueRunnerOptions,
} from './runner.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { cleanQueue, queueStatus, type QueueStatus } from './status.js';
