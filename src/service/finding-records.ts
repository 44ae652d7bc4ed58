/**
 * @module Pure mappings between the findings module's types (the lifecycle's view) and the
 * store's records. The store keeps no close reason; `fromStoredRecord` says what it can without.
 */
import type { FindingEvent, ResourceFacts, StoredFinding as LifecycleFinding, StoredFindingHead as LifecycleFindingHead } from '../findings/index.js';
import { asId, type FindingWrite, type NewEvent, type Resource, type StoredFinding as StoredRecord, type StoredFindingHead as StoredRecordHead } from '../store/index.js';

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
 * A store record as the lifecycle reads it: whole when the store gave its body, else a head whose
 * body is compared by digest. The store has no close reason (a CLOSED record is read as
 * NOT_OBSERVED: findings of deleted resources are never reconciled).
 */
export function fromStoredRecord(record: StoredRecord): LifecycleFinding;
export function fromStoredRecord(record: StoredRecordHead | StoredRecord): LifecycleFindingHead;
export function fromStoredRecord(record: StoredRecordHead | StoredRecord): LifecycleFindingHead {
  // One literal with every property (see rows.findingHeadFromRow: a push maps thousands).
  const closed = record.status === 'CLOSED';
  return {
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
    bodyDigest: record.bodyDigest,
    body: 'finding' in record ? record.finding : undefined,
    suppressedBy: record.status === 'SUPPRESSED' ? [...record.suppressedBy].sort() : [],
    status: record.status,
    closedAt: record.closedAt,
    closeReason: closed ? 'NOT_OBSERVED' : null,
  } as LifecycleFindingHead;
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
    suppressedBy: finding.suppressedBy,
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
