/**
 * @module The `retention` job, hourly: CLOSED findings past the retention policy's days are
 * purged, and inventories gone stale since the last run have their coverage announced.
 */
import { announceStaleCoverage } from '../../service/coverage-events.js';
import { purgeExpiredFindings } from '../../service/retention.js';
import type { JobHandler } from '../types.js';

export const retentionJob: JobHandler<'retention'> = async (_payload, ctx, job) => {
  const purged = await purgeExpiredFindings(ctx);
  ctx.log.info({ jobId: job.id, ...purged, policy: ctx.settings.retention }, 'retention purge done');
  const stale = await announceStaleCoverage(ctx);
  if (stale > 0) ctx.log.info({ jobId: job.id, resources: stale }, 'coverage announced for stale inventories');
};
