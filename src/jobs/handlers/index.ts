/**
 * @module The job handlers, one line per job name, and `startWorking`, which puts this process to
 * work on every one of them (a server does, and so does each `vigil worker`).
 */
import type { ServiceContext } from '../../service/context.js';
import type { JobHandler, JobName, JobQueue } from '../types.js';
import { reevaluateJob } from './reevaluate.js';
import { retentionJob } from './retention.js';
import { scanJob } from './scan.js';
import { handleSuppression } from './suppression.js';

export const jobHandlers: { [N in JobName]?: JobHandler<N> } = {
  scan: scanJob,
  reevaluate: reevaluateJob,
  retention: retentionJob,
  suppression: handleSuppression,
};

/** Registers every handler above with `queue`; resolves once this process is taking jobs. */
export async function startWorking(queue: JobQueue, ctx: ServiceContext): Promise<void> {
  for (const name of Object.keys(jobHandlers) as JobName[]) {
    const handler = jobHandlers[name];
    if (handler) await queue.work(name, handler as JobHandler<typeof name>);
  }
  ctx.log.debug({ jobs: Object.keys(jobHandlers) }, 'working on jobs');
}
