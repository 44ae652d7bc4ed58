/**
 * @module Pure mappings between the findings module's types (the lifecycle's view) and the
 * store's records. The store keeps neither a close reason nor the ids of the suppression rules
 * that matched; `fromStoredRecord` fills them with what can be said without them (see its doc).
 */
import type { FindingEvent, ResourceFacts, StoredFinding as LifecycleFinding } from '../findings/index.js';
import { asId, type FindingWrite, type NewEvent, type Resource, type StoredFinding as StoredRecord } from '../store/index.js';

/** What the criteria and the Vigil score may know of a stored resource. */
export function resourceFacts(resource: Resource): ResourceFacts {
  return {
    accountId: resource.accountId,
    region: resource.region,
    resourceId: resource.id,
    resourceType: resource.type,
    resourceTags: resource.tags,
  };
}

/**
 * A store record as the lifecycle reads it. The store has no close reason (a CLOSED record is
 * read as NOT_OBSERVED: findings of deleted resources are never reconciled) and no list of
 * matching rules: `suppressedBy` is what the caller passes (the rules matching now, for a
 * SUPPRESSED record), empty otherwise.
 */
export function fromStoredRecord(record: StoredRecord, suppressedBy: readonly string[] = []): LifecycleFinding {
  const common = {
    id: record.id,
    accountId: record.accountId,
    region: record.region,
    resourceId: record.resourceId,
    resourceType: record.resourceType,
    type: record.type,
    packageEcosystem: record.packageEcosystem,
    packageName: record.packageName,
    filePath: record.filePath,
    firstObservedAt: record.firstObservedAt,
    lastObservedAt: record.lastObservedAt,
    updatedAt: record.updatedAt,
    vigilScore: record.vigilScore?.score ?? null,
    scoreAdjustments: record.vigilScore?.adjustments.map((a) => ({ ...a })) ?? [],
    vulnerabilityId: record.vulnerabilityId,
  };
  const finding: LifecycleFinding =
    record.status === 'CLOSED'
      ? ({ ...common, suppressedBy: [], status: 'CLOSED', closedAt: record.closedAt, closeReason: 'NOT_OBSERVED' } as unknown as LifecycleFinding)
      : ({ ...common, suppressedBy: record.status === 'SUPPRESSED' ? [...suppressedBy].sort() : [], status: record.status, closedAt: null, closeReason: null } as unknown as LifecycleFinding);
  // The body (missing above) is read from the record when first needed: an unchanged finding is
  // compared by its stored text, which a copy does not carry (it may change the body).
  if (record.findingJson !== undefined) Object.defineProperty(finding, 'bodyJson', { value: record.findingJson, enumerable: false });
  Object.defineProperty(finding, 'body', {
    enumerable: true,
    configurable: true,
    get: () => record.finding,
    set: (value: LifecycleFinding['body']) => Object.defineProperty(finding, 'body', { value, enumerable: true, writable: true, configurable: true }),
  });
  return finding;
}

/** A lifecycle finding as the store writes it. Only PACKAGE_VULNERABILITY findings can be stored yet. */
export function toFindingWrite(finding: LifecycleFinding): FindingWrite {
  if (finding.type !== 'PACKAGE_VULNERABILITY') throw new RangeError(`finding ${finding.id} has type ${finding.type}, which the store does not keep yet`);
  const common = {
    id: asId('FindingId', finding.id),
    accountId: asId('AccountId', finding.accountId),
    region: finding.region,
    resourceId: asId('ResourceId', finding.resourceId),
    resourceType: finding.resourceType,
    firstObservedAt: finding.firstObservedAt,
    lastObservedAt: finding.lastObservedAt,
    updatedAt: finding.updatedAt,
    vigilScore: finding.vigilScore === null ? null : { score: finding.vigilScore, adjustments: finding.scoreAdjustments.map((a) => ({ ...a })) },
    finding: finding.body,
  };
  return finding.status === 'CLOSED' ? { ...common, status: 'CLOSED', closedAt: finding.closedAt } : { ...common, status: finding.status, closedAt: null };
}

/** A lifecycle event as an outbox event: its subject is the finding; the payload says which resource and when. */
export function toNewEvent(event: FindingEvent): NewEvent {
  return {
    accountId: asId('AccountId', event.accountId),
    type: event.type,
    subjectId: event.findingId,
    payload: { ...event.payload, findingId: event.findingId, resourceId: event.resourceId, at: event.at },
  };
}
