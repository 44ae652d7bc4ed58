/**
 * @module What reconciling one locked resource's findings reads and writes, shared by an inventory
 * push and a re-evaluation: the resource's suppression rules and stored findings as the lifecycle
 * reads them (heads: bodies stay in the store unless a comparison needs one), the reconcile with
 * a scan, and a change set written back with its events (in the caller's transaction).
 */
import {
  bodiesToLoad,
  indexScan,
  observedByScan,
  reconcileFindings,
  type ChangeSet,
  type ResourceFacts,
  type ScanIndex,
  type StoredFinding as LifecycleFinding,
  type StoredFindingHead as LifecycleFindingHead,
  type SuppressionRule,
} from '../findings/index.js';
import type { Finding } from '../model/finding.js';
import { asId, type FindingId, type FindingWrite, type NewEvent, type Resource, type Store, type StoredFinding, type StoredFindingHead } from '../store/index.js';
import { whileQueryRuns } from '../store/while-query-runs.js';
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
  // The heads first: the long query, the one a push matches its inventory during (whileQueryRuns).
  const [heads, filters]: [Array<StoredFindingHead | StoredFinding>, Awaited<ReturnType<Store['listFilters']>>] = await Promise.all([
    tx.listFindingHeadsForResource(resource),
    tx.listFilters(resource.accountId, { action: 'SUPPRESS' }),
  ]);
  const rules = suppressionRules(filters);
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
 * Reconciles a locked resource's findings with a scan of it (its findings, or their index): the
 * bodies of the findings whose digest the scan contradicts are read (to say what changed), then
 * the lifecycle runs.
 *
 * `observe`: the scan saw the resource (a push), so every open finding it sees again has its
 * lastObservedAt moved to `now` here, changed or not, while the lifecycle runs; the change set's
 * `seen` are among them. A re-evaluation observed nothing and leaves them be.
 */
export async function reconcileWithScan(
  tx: Store,
  found: ResourceFindings,
  scanned: readonly Finding[] | ScanIndex,
  options: { now: string; newId: () => string; reopenWindowDays?: number; observe: boolean },
): Promise<ChangeSet> {
  const { observe, ...lifecycle } = options;
  const scan = 'byIdentity' in scanned ? scanned : indexScan(found.facts, scanned);
  const load = bodiesToLoad(found.stored, scan);
  const loadedBodies = load.length > 0 ? await tx.getFindingBodies(load.map((id) => asId('FindingId', id))) : undefined;
  const reconcile = () => reconcileFindings({ resource: found.facts, stored: found.stored, ...(loadedBodies ? { loadedBodies } : {}), scanned: scan, suppressionRules: found.rules, ...lifecycle });
  const observed = observe ? observedByScan(found.stored, scan) : [];
  if (observed.length === 0) return reconcile();
  return (await whileQueryRuns(tx.observeFindings(observed.map((id) => asId('FindingId', id)), options.now), reconcile))[1];
}

/**
 * Writes a change set and its events. The findings it saw unchanged are not written: a push moved
 * their lastObservedAt already (`reconcileWithScan`), and a re-evaluation leaves them be.
 */
export async function writeChangeSet(tx: Store, changes: ChangeSet): Promise<void> {
  await writeChangeSets(tx, [changes]);
}

/** Several resources' change sets (made at one time), written together: one statement per kind of write. */
export async function writeChangeSets(tx: Store, sets: readonly ChangeSet[]): Promise<void> {
  const writes: FindingWrite[] = [];
  const closed: FindingId[] = [];
  const events: NewEvent[] = [];
  let closedAt: string | undefined;
  for (const changes of sets) {
    writes.push(...[...changes.created, ...changes.updated, ...changes.reopened].map(toFindingWrite));
    if (changes.closed.length > 0) {
      if (closedAt !== undefined && closedAt !== changes.observedAt) throw new RangeError('change sets written together must be made at one time');
      closedAt = changes.observedAt;
      closed.push(...changes.closed.map((finding) => asId('FindingId', finding.id)));
    }
    events.push(...changes.events.map(toNewEvent));
  }
  if (writes.length > 0) await tx.upsertFindings(writes);
  if (closed.length > 0) await tx.closeFindings(closed, closedAt!);
  if (events.length > 0) await tx.appendEvents(events);
}
