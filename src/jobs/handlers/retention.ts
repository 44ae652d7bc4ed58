/** @module The `retention` job: CLOSED findings past the retention policy's days are purged. */
import { purgeExpiredFindings } from '../../service/retention.js';
import type { JobHandler } from '../types.js';

export const retentionJob: JobHandler<'retention'> = async (_payload, ctx, job) => {
  const purged = await purgeExpiredFindings(ctx);
  ctx.log.info({ jobId: job.id, ...purged, policy: ctx.settings.retention }, 'retention purge done');
};
