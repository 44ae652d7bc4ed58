/**
 * @module What reconciling one locked resource's findings reads and writes, shared by an inventory
 * push and a re-evaluation: the resource's suppression rules and stored findings as the lifecycle
 * reads them, and a change set written back with its events (in the caller's transaction).
 */
import type { ChangeSet, ResourceFacts, StoredFinding as LifecycleFinding, SuppressionRule } from '../findings/index.js';
import { asId, type FindingId, type FindingWrite, type NewEvent, type Resource, type Store, type StoredFinding } from '../store/index.js';
import { fromStoredRecord, resourceFacts, toFindingWrite, toNewEvent } from './finding-records.js';
import { suppressionRules } from './suppression-rules.js';

export interface ResourceFindings {
  facts: ResourceFacts;
  rules: SuppressionRule[];
  /** The store's records, every status. */
  records: StoredFinding[];
  /** The same, as the lifecycle reads them. */
  stored: LifecycleFinding[];
}

/** Reads what reconciling the resource needs; call it with the resource locked. */
export async function readResourceFindings(tx: Store, resource: Resource): Promise<ResourceFindings> {
  const facts = resourceFacts(resource);
  const rules = suppressionRules(await tx.listFilters(resource.accountId, { action: 'SUPPRESS' }));
  const records = await tx.listFindingsForResource(resource.id);
  return { facts, rules, records, stored: lifecycleFindings(records, rules, facts) };
}

/**
 * Store records as the lifecycle reads them. The store does not keep which rules suppressed a
 * finding: the rules that match it now are taken, so an unchanged suppressed finding is not
 * re-announced on every reconcile.
 */
export function lifecycleFindings(records: readonly StoredFinding[], rules: readonly SuppressionRule[], facts: ResourceFacts): LifecycleFinding[] {
  return records.map((record) => {
    if (record.status !== 'SUPPRESSED') return fromStoredRecord(record);
    const asActive = fromStoredRecord({ ...record, status: 'ACTIVE', closedAt: null });
    return fromStoredRecord(record, rules.filter((rule) => rule.matches(asActive, facts)).map((rule) => rule.id));
  });
}

/**
 * Writes a change set and its events. `observe`: a scan saw the findings it left unchanged, so
 * their lastObservedAt moves (a push); a re-evaluation observed nothing and leaves them be.
 */
export async function writeChangeSet(tx: Store, changes: ChangeSet, records: readonly StoredFinding[], options: { observe: boolean }): Promise<void> {
  await writeChangeSets(tx, [{ changes, records }], options);
}

/** Several resources' change sets (made at one time), written together: one statement per kind of write. */
export async function writeChangeSets(tx: Store, sets: ReadonlyArray<{ changes: ChangeSet; records: readonly StoredFinding[] }>, options: { observe: boolean }): Promise<void> {
  const writes: FindingWrite[] = [];
  const closed: FindingId[] = [];
  const events: NewEvent[] = [];
  const observed: Array<{ ids: FindingId[]; at: string }> = [];
  let closedAt: string | undefined;
  for (const { changes, records } of sets) {
    writes.push(...[...changes.created, ...changes.updated, ...changes.reopened].map(toFindingWrite));
    // Findings seen unchanged: only lastObservedAt moves, without rewriting their rows.
    if (options.observe && changes.seen.length > 0) observed.push({ ids: changes.seen.map((id) => asId('FindingId', id)), at: changes.observedAt });
    if (changes.closed.length > 0) {
      if (closedAt !== undefined && closedAt !== changes.observedAt) throw new RangeError('change sets written together must be made at one time');
      closedAt = changes.observedAt;
      closed.push(...changes.closed.map((finding) => asId('FindingId', finding.id)));
    }
    events.push(...changes.events.map(toNewEvent));
  }
  if (writes.length > 0) await tx.upsertFindings(writes);
  for (const { ids, at } of observed) await tx.observeFindings(ids, at);
  if (closed.length > 0) await tx.closeFindings(closed, closedAt!);
  if (events.length > 0) await tx.appendEvents(events);
}

