/**
 * @module One inventory push, reconciled: the inventory stored (and the resource's coverage
 * announced when it changes), scanned, and the resource's
 * findings brought to what the scan saw, with their events, all in one transaction (issue 5,
 * "Bad input and faults": a process killed at any moment leaves the old findings or the new ones).
 * The resource's row lock (taken first) makes two pushes for one resource apply one after the other.
 */
import { digestScan, indexScan } from '../findings/index.js';
import type { Inventory } from '../model/inventory.js';
import { scanInventory } from '../scan/scan-target.js';
import { asId, newId as newStoreId, PreparedInventory, type AccountId, type ResourceId, type Store } from '../store/index.js';
import { whileQueryRuns } from '../store/while-query-runs.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import type { VulnDbHandle } from './context.js';
import { announceCoverage, coverageOptionsAt } from './coverage-events.js';
import { summarizeInventory } from './coverage.js';
import { resourceFacts } from './finding-records.js';
import { readResourceFindings, reconcileWithScan, writeChangeSet } from './resource-findings.js';

export { suppressionRules } from './suppression-rules.js';

export interface ReconcileInventoryInput {
  accountId: AccountId | string;
  resourceId: ResourceId | string;
  inventory: Inventory;
  /** When the inventory was taken; an older one than the stored one is refused. */
  timestamp: string;
  /** The time of the scan: firstObservedAt, lastObservedAt, updatedAt, closedAt. */
  now: Date;
  /** Ids for new findings; a fresh store id each by default. */
  newId?: () => string;
}

export type ReconcileInventoryResult =
  | { status: 'applied'; created: number; updated: number; closed: number; reopened: number; unchanged: number }
  | { status: 'stale'; storedTimestamp: string }
  | { status: 'not-found' };

/**
 * The database to match against: a reader, or the service's handle (`ctx.vulndb`), whose current
 * reader is then taken under the resource's lock, right before matching. Pass the handle: a push
 * that waited for the lock while a new database was swapped in then matches against the new one,
 * and a re-evaluation of that swap (which takes the same lock) can never be overtaken by it.
 */
export type VulnDbSource = VulnDbReader | Pick<VulnDbHandle, 'current'>;

export async function reconcileInventory(store: Store, source: VulnDbSource, input: ReconcileInventoryInput): Promise<ReconcileInventoryResult> {
  const accountId = asId('AccountId', input.accountId);
  const resourceId = asId('ResourceId', input.resourceId);
  const now = input.now.toISOString();
  const makeId = input.newId ?? (() => newStoreId('FindingId'));

  return store.transaction(async (tx): Promise<ReconcileInventoryResult> => {
    const resource = await tx.lockResource(resourceId);
    if (!resource || resource.accountId !== accountId || resource.deletedAt !== null) return { status: 'not-found' };

    const reader = 'current' in source ? source.current() : source;
    // Matching (with the digests of its findings), and the inventory's text and index, need
    // nothing stored: they are made while PostgreSQL reads the stored findings (nothing is
    // written before the inventory is known not stale).
    const [found, [scan, prepared]] = await whileQueryRuns(readResourceFindings(tx, resource), () => {
      const index = indexScan(resourceFacts(resource), scanInventory(input.inventory, reader).findings);
      digestScan(index);
      return [index, new PreparedInventory(input.inventory)] as const;
    });
    const put = await tx.putInventory(resourceId, prepared, input.timestamp);
    if (!put.stored) return { status: 'stale', storedTimestamp: put.storedTimestamp };
    const coverage = { tags: resource.tags, inventoryTimestamp: input.timestamp, inventory: summarizeInventory(input.inventory) };
    await announceCoverage(tx, resource, coverage, await coverageOptionsAt(tx, input.now));

    const changes = await reconcileWithScan(tx, found, scan, { now, newId: makeId, observe: true });
    await tx.markScanned(resourceId, now);
    // Events last: on PostgreSQL appending them takes the outbox's lock until commit.
    await writeChangeSet(tx, changes);

    return {
      status: 'applied',
      created: changes.created.length,
      updated: changes.updated.length,
      closed: changes.closed.length,
      reopened: changes.reopened.length,
      unchanged: changes.unchanged,
    };
  });
}
