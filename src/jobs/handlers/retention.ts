/**
 * @module The `retention` job, hourly maintenance: CLOSED findings past the retention policy's days
 * are purged, inventories gone stale since the last run have their coverage announced, and on
 * PostgreSQL scans abandoned by a worker that died on their last attempt are recorded FAILED.
 */
import { failAbandonedScans } from '../../service/abandoned-scans.js';
import { announceStaleCoverage } from '../../service/coverage-events.js';
import { defaultExpireInSeconds } from '../pg-boss.js';
import { DEFAULT_RETRY_LIMIT } from '../types.js';
import { purgeExpiredFindings } from '../../service/retention.js';
import type { JobHandler } from '../types.js';

export const retentionJob: JobHandler<'retention'> = async (_payload, ctx, job) => {
  const purged = await purgeExpiredFindings(ctx);
  ctx.log.info({ jobId: job.id, ...purged, policy: ctx.settings.retention }, 'retention purge done');
  const stale = await announceStaleCoverage(ctx);
  if (stale > 0) ctx.log.info({ jobId: job.id, resources: stale }, 'coverage announced for stale inventories');
  if (ctx.store.dialect === 'postgres') {
    // Twice the job's expiry: pg-boss has failed the job by then, with time to spare for its maintenance.
    await failAbandonedScans(ctx, { lastAttempt: DEFAULT_RETRY_LIMIT + 1, runningLongerThanMs: 2 * defaultExpireInSeconds.scan * 1000 });
  }
};
