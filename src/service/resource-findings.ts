/**
 * @module What reconciling one locked resource's findings reads and writes, shared by an inventory
 * push and a re-evaluation: the resource's suppression rules and stored findings as the lifecycle
 * reads them (heads: bodies stay in the store unless a comparison needs one), the reconcile with
 * a scan, and a change set written back with its events (in the caller's transaction).
 */
import {
  bodiesToLoad,
  indexScan,
  reconcileFindings,
  type ChangeSet,
  type ResourceFacts,
  type StoredFinding as LifecycleFinding,
  type StoredFindingHead as LifecycleFindingHead,
  type SuppressionRule,
} from '../findings/index.js';
import type { Finding } from '../model/finding.js';
import { asId, type FindingId, type FindingWrite, type NewEvent, type Resource, type Store, type StoredFinding, type StoredFindingHead } from '../store/index.js';
import { fromStoredRecord, resourceFacts, toFindingWrite, toNewEvent } from './finding-records.js';
import { suppressionRules } from './suppression-rules.js';

export interface ResourceFindings {
  facts: ResourceFacts;
  rules: SuppressionRule[];
  /** Every stored finding of the resource, every status, as the lifecycle reads them. */
  stored: LifecycleFindingHead[];
}

/** Reads what reconciling the resource needs; call it with the resource locked. */
export async function readResourceFindings(tx: Store, resource: Resource): Promise<ResourceFindings> {
  const facts = resourceFacts(resource);
  const rules = suppressionRules(await tx.listFilters(resource.accountId, { action: 'SUPPRESS' }));
  const heads: Array<StoredFindingHead | StoredFinding> = await tx.listFindingHeadsForResource(resource.id);
  // Findings suppressed before the store kept their rules: the rules are worked out from their bodies.
  const unknown = rules.length > 0 ? heads.filter((head) => head.status === 'SUPPRESSED' && head.suppressedBy.length === 0).map((head) => head.id) : [];
  if (unknown.length > 0) {
    const bodies = await tx.getFindingBodies(unknown);
    for (const [i, head] of heads.entries()) {
      const finding = bodies.get(head.id);
      if (finding) heads[i] = { ...head, finding };
    }
  }
  return { facts, rules, stored: lifecycleFindings(heads, rules, facts) };
}

/**
 * Store records as the lifecycle reads them. A SUPPRESSED record stored before the store kept its
 * rules (an empty list) is given the rules that match it now, read from its body, so that it is
 * not announced as suppressed anew; without its body, or without rules, it keeps the empty list.
 */
export function lifecycleFindings(records: ReadonlyArray<StoredFindingHead | StoredFinding>, rules: readonly SuppressionRule[], facts: ResourceFacts): LifecycleFindingHead[] {
  return records.map((record) => {
    const finding = fromStoredRecord(record);
    if (record.status !== 'SUPPRESSED' || record.suppressedBy.length > 0 || finding.body === undefined || rules.length === 0) return finding;
    // The body is there (checked above): the record is whole.
    const asActive: LifecycleFinding = { ...(finding as LifecycleFinding), status: 'ACTIVE', closedAt: null, closeReason: null, suppressedBy: [] };
    return { ...finding, suppressedBy: rules.filter((rule) => rule.matches(asActive, facts)).map((rule) => rule.id).sort() };
  });
}

/**
 * Reconciles a locked resource's findings with a scan of it: the bodies of the findings whose
 * digest the scan contradicts are read (to say what changed), then the lifecycle runs.
 */
export async function reconcileWithScan(
  tx: Store,
  found: ResourceFindings,
  scanned: readonly Finding[],
  options: { now: string; newId: () => string; reopenWindowDays?: number },
): Promise<ChangeSet> {
  const scan = indexScan(found.facts, scanned);
  const load = bodiesToLoad(found.stored, scan);
  const loadedBodies = load.length > 0 ? await tx.getFindingBodies(load.map((id) => asId('FindingId', id))) : undefined;
  return reconcileFindings({ resource: found.facts, stored: found.stored, ...(loadedBodies ? { loadedBodies } : {}), scanned: scan, suppressionRules: found.rules, ...options });
}

/**
 * Writes a change set and its events. `observe`: a scan saw the findings it left unchanged, so
 * their lastObservedAt moves (a push); a re-evaluation observed nothing and leaves them be.
 */
export async function writeChangeSet(tx: Store, changes: ChangeSet, options: { observe: boolean }): Promise<void> {
  await writeChangeSets(tx, [changes], options);
}

/** Several resources' change sets (made at one time), written together: one statement per kind of write. */
export async function writeChangeSets(tx: Store, sets: readonly ChangeSet[], options: { observe: boolean }): Promise<void> {
  const writes: FindingWrite[] = [];
  const closed: FindingId[] = [];
  const events: NewEvent[] = [];
  const observed: Array<{ ids: FindingId[]; at: string }> = [];
  let closedAt: string | undefined;
  for (const changes of sets) {
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
