/**
 * @module The `reevaluate` job: a new vulnerability database was swapped in (or the server
 * started); the stored inventories it concerns are matched again against the handle's current
 * reader. No database yet is nothing to do, not a failure to retry: its arrival queues a run.
 */
import { isVigilError } from '../../errors.js';
import { reevaluate } from '../../service/reevaluate.js';
import type { VulnDbReader } from '../../vulndb/reader.js';
import type { JobHandler } from '../types.js';

export const reevaluateJob: JobHandler<'reevaluate'> = async (payload, ctx, job) => {
  let reader: VulnDbReader;
  try {
    reader = ctx.vulndb.current();
  } catch (error) {
    if (!isVigilError(error)) throw error;
    ctx.log.warn({ jobId: job.id, reason: payload.reason, err: error }, 'no vulnerability database to re-evaluate against');
    return;
  }
  const result = await reevaluate(ctx, { reader });
  ctx.log.info({ jobId: job.id, reason: payload.reason, ...result }, 're-evaluation job done');
};
