/**
 * @module The service's job queue, opened for its store: in-process on SQLite, pg-boss on
 * PostgreSQL (where any number of `vigil worker` processes share the work). `openJobQueue` hands
 * back a started queue; `startWorking` (./handlers) puts this process to work on it.
 * @see https://timgit.github.io/pg-boss/
 */
import type { ServiceContext } from '../service/context.js';
import { InProcessJobQueue, type InProcessQueueOptions } from './in-process.js';
import { PgBossJobQueue, type PgBossQueueOptions } from './pg-boss.js';
import type { JobQueue } from './types.js';

export type JobQueueLocation = ({ kind: 'in-process' } & InProcessQueueOptions) | ({ kind: 'pg-boss' } & PgBossQueueOptions);

/** Opens and starts the queue (pg-boss: its schema and queues created; in-process: unfinished scans queued again). */
export async function openJobQueue(ctx: ServiceContext, location: JobQueueLocation): Promise<JobQueue> {
  const { kind: _kind, ...options } = location;
  const queue = location.kind === 'pg-boss' ? new PgBossJobQueue(ctx, location) : new InProcessJobQueue(ctx, options);
  try {
    await queue.start();
  } catch (error) {
    await queue.stop().catch(() => undefined);
    throw error;
  }
  return queue;
}

export type * from './types.js';
export { jobNames, jobQueueing, DEFAULT_RETRY_LIMIT } from './types.js';
export { InProcessJobQueue, type InProcessQueueOptions } from './in-process.js';
export { PgBossJobQueue, DEFAULT_JOB_SCHEMA, defaultExpireInSeconds, type PgBossQueueOptions } from './pg-boss.js';
export { jobHandlers, startWorking } from './handlers/index.js';
