/**
 * @module Scans whose worker died on their last attempt. On PostgreSQL a scan is a pg-boss job: a
 * worker that dies mid-scan is noticed at the job's expiry and the job retried, but after the last
 * attempt pg-boss only marks its job failed, and the scan record would stay RUNNING for ever. The
 * hourly maintenance (the retention job) records those as FAILED: RUNNING on their last attempt,
 * started longer ago than the job could have lived. (The in-process queue of SQLite needs none of
 * this: it requeues its unfinished scans when it starts, and fails the ones started too often.)
 */
import type { ServiceContext } from './context.js';

export interface AbandonedScanRule {
  /** The attempt after which the queue tries no more (retry limit + 1). */
  lastAttempt: number;
  /** A scan started longer ago than this is past its job's expiry, with margin. */
  runningLongerThanMs: number;
}

export async function failAbandonedScans(ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>, rule: AbandonedScanRule): Promise<number> {
  const now = ctx.now();
  const startedBefore = now.getTime() - rule.runningLongerThanMs;
  let failed = 0;
  for (const scan of await ctx.store.listUnfinishedScans()) {
    if (scan.status !== 'RUNNING' || scan.attempts < rule.lastAttempt || Date.parse(scan.startedAt) >= startedBefore) continue;
    const error = `the worker running this scan stopped on its last attempt (${scan.attempts} of ${rule.lastAttempt}), started ${scan.startedAt}; not tried again`;
    if (await ctx.store.finishScan(scan.id, { status: 'FAILED', error }, now.toISOString())) {
      failed++;
      ctx.log.warn({ scanId: scan.id, attempts: scan.attempts }, error);
    }
  }
  return failed;
}
