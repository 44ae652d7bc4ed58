/**
 * @module What reconciling one locked resource's findings reads and writes, shared by an inventory
 * push and a re-evaluation: the resource's suppression rules and stored findings as the lifecycle
 * reads them, and a change set written back with its events (in the caller's transaction).
 */
import type { ChangeSet, ResourceFacts, StoredFinding as LifecycleFinding, SuppressionRule } from '../findings/index.js';
import { asId, type FindingWrite, type Resource, type Store, type StoredFinding } from '../store/index.js';
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
  // The store does not keep which rules suppressed a finding: take the rules that match it now,
  // so an unchanged suppressed finding is not re-announced on every reconcile.
  const stored = records.map((record) => {
    if (record.status !== 'SUPPRESSED') return fromStoredRecord(record);
    const asActive = fromStoredRecord({ ...record, status: 'ACTIVE', closedAt: null });
    return fromStoredRecord(record, rules.filter((rule) => rule.matches(asActive, facts)).map((rule) => rule.id));
  });
  return { facts, rules, records, stored };
}

/**
 * Writes a change set and its events. `observe`: a scan saw the findings it left unchanged, so
 * their lastObservedAt moves (a push); a re-evaluation observed nothing and leaves them be.
 */
export async function writeChangeSet(tx: Store, changes: ChangeSet, records: readonly StoredFinding[], options: { observe: boolean }): Promise<void> {
  const writes: FindingWrite[] = [...changes.created, ...changes.updated, ...changes.reopened].map(toFindingWrite);
  if (options.observe && changes.seen.length > 0) {
    const recordsById = new Map(records.map((record) => [record.id as string, record]));
    for (const id of changes.seen) {
      const record = recordsById.get(id);
      if (record) writes.push(withoutIdentity({ ...record, lastObservedAt: changes.observedAt }));
    }
  }
  if (writes.length > 0) await tx.upsertFindings(writes);
  if (changes.closed.length > 0) await tx.closeFindings(changes.closed.map((finding) => asId('FindingId', finding.id)), changes.observedAt);
  if (changes.events.length > 0) await tx.appendEvents(changes.events.map(toNewEvent));
}

/** A stored record as a write: the identity columns are read back from the body. */
function withoutIdentity(record: StoredFinding): FindingWrite {
  const { type: _type, vulnerabilityId: _v, packageEcosystem: _e, packageName: _n, filePath: _f, ...write } = record;
  return write;
}
