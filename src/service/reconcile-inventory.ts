/**
 * @module One inventory push, reconciled: the inventory stored, scanned, and the resource's
 * findings brought to what the scan saw, with their events, all in one transaction (issue 5,
 * "Bad input and faults": a process killed at any moment leaves the old findings or the new ones).
 * The resource's row lock (taken first) makes two pushes for one resource apply one after the other.
 */
import { compileCriteria, parseCriteria, reconcileFindings, type SuppressionRule } from '../findings/index.js';
import type { Inventory } from '../model/inventory.js';
import { scanInventory } from '../scan/scan-target.js';
import { asId, newId as newStoreId, type AccountId, type Filter, type FindingWrite, type ResourceId, type Store, type StoredFinding } from '../store/index.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { fromStoredRecord, resourceFacts, toFindingWrite, toNewEvent } from './finding-records.js';

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
 * The account's SUPPRESS filters as suppression rules. A stored filter whose criteria no longer
 * parse (the API validates them on the way in, so only a hand-edited row) is left out rather than
 * blocking every push of the account.
 */
export function suppressionRules(filters: readonly Filter[]): SuppressionRule[] {
  const rules: SuppressionRule[] = [];
  for (const filter of filters) {
    if (filter.action !== 'SUPPRESS') continue;
    const parsed = parseCriteria(filter.criteria);
    if (!parsed.ok) continue;
    rules.push({ id: filter.id, matches: compileCriteria(parsed.criteria, { defaultStatusFilter: false }) });
  }
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function reconcileInventory(store: Store, reader: VulnDbReader, input: ReconcileInventoryInput): Promise<ReconcileInventoryResult> {
  const accountId = asId('AccountId', input.accountId);
  const resourceId = asId('ResourceId', input.resourceId);
  const now = input.now.toISOString();
  const makeId = input.newId ?? (() => newStoreId('FindingId'));

  return store.transaction(async (tx): Promise<ReconcileInventoryResult> => {
    const resource = await tx.lockResource(resourceId);
    if (!resource || resource.accountId !== accountId || resource.deletedAt !== null) return { status: 'not-found' };

    const put = await tx.putInventory(resourceId, input.inventory, input.timestamp);
    if (!put.stored) return { status: 'stale', storedTimestamp: put.storedTimestamp };

    const scanned = scanInventory(input.inventory, reader).findings;
    const facts = resourceFacts(resource);
    const rules = suppressionRules(await tx.listFilters(accountId, { action: 'SUPPRESS' }));
    const records = await tx.listFindingsForResource(resourceId);
    const recordsById = new Map(records.map((record) => [record.id as string, record]));
    // The store does not keep which rules suppressed a finding: take the rules that match it now,
    // so an unchanged suppressed finding is not re-announced on every push.
    const stored = records.map((record) => {
      if (record.status !== 'SUPPRESSED') return fromStoredRecord(record);
      const asActive = fromStoredRecord({ ...record, status: 'ACTIVE', closedAt: null });
      return fromStoredRecord(record, rules.filter((rule) => rule.matches(asActive, facts)).map((rule) => rule.id));
    });

    const changes = reconcileFindings({ resource: facts, stored, scanned, suppressionRules: rules, now, newId: makeId });

    const writes: FindingWrite[] = [...changes.created, ...changes.updated, ...changes.reopened].map(toFindingWrite);
    for (const id of changes.seen) {
      const record: StoredFinding | undefined = recordsById.get(id);
      if (record) writes.push(withoutIdentity({ ...record, lastObservedAt: now }));
    }
    if (writes.length > 0) await tx.upsertFindings(writes);
    if (changes.closed.length > 0) await tx.closeFindings(changes.closed.map((finding) => asId('FindingId', finding.id)), now);
    if (changes.events.length > 0) await tx.appendEvents(changes.events.map(toNewEvent));
    await tx.markScanned(resourceId, now);

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

/** A stored record as a write: the identity columns are read back from the body. */
function withoutIdentity(record: StoredFinding): FindingWrite {
  const { type: _type, vulnerabilityId: _v, packageEcosystem: _e, packageName: _n, filePath: _f, ...write } = record;
  return write;
}
