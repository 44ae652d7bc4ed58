/**
 * @module The `scan` job: a target the worker can read (a root filesystem path, an image archive, a
 * zip) scanned for one resource, Inspector's agentless scan. The scan record says what happened: a
 * target that cannot be read is a FAILED scan with the reason, not a retried job; anything else
 * unexpected is thrown so the queue retries it, and recorded as FAILED on the last attempt.
 */
import type { TakeInventoryOptions } from '../../catalog/take-inventory.js';
import { describeError, isVigilError } from '../../errors.js';
import { inventoryOf } from '../../scan/scan-target.js';
import { reconcileInventory } from '../../service/reconcile-inventory.js';
import { asId, type ScanResult } from '../../store/index.js';
import type { JobHandler } from '../types.js';

/** What `vigil sbom` and `vigil scan` use when no flag is given: default limits, all catalogers. */
const defaultInventoryOptions: TakeInventoryOptions = { limits: {}, paths: [] };

/** A message for the scan record: its first line, as the CLI prints it. */
function oneLine(message: string): string {
  return message.split('\n', 1)[0]?.trim() || 'unknown error';
}

export const scanJob: JobHandler<'scan'> = async ({ scanId }, ctx, job) => {
  const id = asId('ScanId', scanId);
  const scan = await ctx.store.startScan(id, ctx.now().toISOString());
  if (!scan) {
    ctx.log.info({ scanId, jobId: job.id }, 'scan already finished; nothing to do');
    return;
  }
  const log = ctx.log.child({ scanId, resourceId: scan.resourceId, target: scan.target, attempt: scan.attempts });
  const fail = async (error: string) => {
    await ctx.store.finishScan(id, { status: 'FAILED', error }, ctx.now().toISOString());
    log.warn({ error }, 'scan failed');
  };
  log.info('scan started');

  try {
    const inventory = await inventoryOf(scan.target, { ...defaultInventoryOptions, now: () => ctx.now() });
    const applied = await reconcileInventory(ctx.store, ctx.vulndb, {
      accountId: scan.accountId,
      resourceId: scan.resourceId,
      inventory,
      timestamp: inventory.createdAt,
      now: ctx.now(),
    });
    if (applied.status === 'not-found') return await fail('the resource was deleted before its scan finished');
    if (applied.status === 'stale') return await fail(`the resource already has a newer inventory (taken at ${applied.storedTimestamp})`);
    const { status: _status, ...changes } = applied;
    const result: ScanResult = { packages: inventory.packages.length, warnings: inventory.warnings.length, ...changes };
    await ctx.store.finishScan(id, { status: 'SUCCEEDED', result }, ctx.now().toISOString());
    log.info({ result }, 'scan succeeded');
  } catch (error) {
    // The input's fault (a target missing, unreadable, corrupt, unrecognised; no vulnerability
    // database): retrying would not help, so the scan says why and the job ends.
    if (isVigilError(error)) return await fail(oneLine(error.message));
    if (job.lastAttempt) await fail(`internal error: ${oneLine(describeError(error))}`);
    throw error;
  }
};
