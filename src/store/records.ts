/**
 * @module What the service keeps: accounts, keys, resources, findings, filters and events, as the
 * store hands them out. Timestamps are ISO 8601 strings in UTC with milliseconds, so they compare
 * as text the same way on every database.
 */
import type { Finding, Severity } from '../model/finding.js';
import type { AccountId, ApiKeyId, FilterId, FindingId, ResourceId, ScanId } from './ids.js';

export type Timestamp = string;

export interface Account {
  id: AccountId;
  name: string;
  /** The region the account was created in; every record it owns carries a region of its own. */
  region: string;
  createdAt: Timestamp;
}

export type ApiKeyRole = 'admin' | 'member' | 'read-only';
export const apiKeyRoles: readonly ApiKeyRole[] = ['admin', 'member', 'read-only'];

export interface ApiKey {
  id: ApiKeyId;
  accountId: AccountId;
  role: ApiKeyRole;
  /** A digest of the key (the key itself is shown once and never stored). */
  keyHash: string;
  createdAt: Timestamp;
  revokedAt: Timestamp | null;
}

export type ResourceType = 'HOST' | 'CONTAINER_IMAGE' | 'FUNCTION';
export const resourceTypes: readonly ResourceType[] = ['HOST', 'CONTAINER_IMAGE', 'FUNCTION'];

export interface HostDetails {
  platform?: string;
}

export interface ContainerImageDetails {
  repository: string;
  tags: string[];
  digest?: string;
  pushedAt?: Timestamp;
  lastPulledAt?: Timestamp;
}

export interface FunctionDetails {
  runtime?: string;
  /** Layer names or digests, in order. */
  layers: string[];
}

/** The facts of a resource that depend on its type; the type decides which. */
export type ResourceSpec =
  | { type: 'HOST'; details: HostDetails }
  | { type: 'CONTAINER_IMAGE'; details: ContainerImageDetails }
  | { type: 'FUNCTION'; details: FunctionDetails };

export type Resource = ResourceSpec & {
  id: ResourceId;
  accountId: AccountId;
  region: string;
  name: string;
  tags: Record<string, string>;
  createdAt: Timestamp;
  /** Set by a soft delete; a deleted resource is kept until its closed findings are purged. */
  deletedAt: Timestamp | null;
  lastScannedAt: Timestamp | null;
  /** When the stored inventory was taken; null before the first. */
  inventoryTimestamp: Timestamp | null;
  /** The coverage reason last announced for it (src/service/coverage-events.ts); null before the first. */
  coverageReason: string | null;
};

export type NewResource = ResourceSpec & {
  /** A caller-chosen id (a host's own id); a new one is made when absent. */
  id?: ResourceId;
  accountId: AccountId;
  region: string;
  name: string;
  tags?: Record<string, string>;
};

/** Where a package sits in the inventory index, as `resourcesHolding` answers it. */
export interface ResourceRef {
  id: ResourceId;
  accountId: AccountId;
  region: string;
  type: ResourceType;
}

export type FindingType = 'PACKAGE_VULNERABILITY';

/** A status and its closing time go together: only a CLOSED finding has one. */
export type FindingState = { status: 'ACTIVE' | 'SUPPRESSED'; closedAt: null } | { status: 'CLOSED'; closedAt: Timestamp };
export type FindingStatus = FindingState['status'];

export interface ScoreAdjustment {
  metric: string;
  reason: string;
}

export interface VigilScore {
  score: number;
  adjustments: ScoreAdjustment[];
}

/** What makes two findings the same finding, whatever version of the package is installed. */
export interface FindingIdentity {
  accountId: AccountId;
  resourceId: ResourceId;
  type: FindingType;
  vulnerabilityId: string;
  packageEcosystem: string;
  packageName: string;
  /** The package's first location; '' when it has none. */
  filePath: string;
}

interface FindingFields {
  id: FindingId;
  accountId: AccountId;
  region: string;
  resourceId: ResourceId;
  resourceType: ResourceType;
  firstObservedAt: Timestamp;
  lastObservedAt: Timestamp;
  updatedAt: Timestamp;
  vigilScore: VigilScore | null;
}

/**
 * A finding to write. The reconciler decides every field (a reopened finding keeps its id, a
 * recurrence after the reopening window gets a new one); the store keeps one row per identity,
 * so writing an identity that exists replaces that row, id included.
 */
export type FindingWrite = FindingFields & {
  /** The finding as `vigil scan --format json` gives it; its identity is read from it. */
  finding: Finding;
  /** The ids of the suppression rules that matched a SUPPRESSED finding; none otherwise. */
  suppressedBy?: readonly string[];
} & FindingState;

/**
 * A stored finding without its body, which lives in a table of its own: what a push reads of
 * every finding of its resource, comparing the body by its digest.
 */
export type StoredFindingHead = FindingFields &
  FindingIdentity &
  FindingState & {
    /** The rules that suppressed it when it was last judged; empty unless SUPPRESSED (and for a finding stored before they were kept). */
    suppressedBy: string[];
    /** `bodyDigest` (src/findings) of the body's JSON text as stored. */
    bodyDigest: string;
  };

export type StoredFinding = StoredFindingHead & {
  /** The finding as `vigil scan --format json` gives it. */
  finding: Finding;
};

/**
 * A stored finding with its body as the JSON text stored, not parsed: a search page goes out as
 * JSON, and parsing a hundred bodies only to write them again was most of a search's cost.
 */
export type StoredFindingText = StoredFindingHead & {
  /** The JSON text of `StoredFinding['finding']`. */
  findingJson: string;
};

export type FilterAction = 'NONE' | 'SUPPRESS';

/** Filter criteria in the API's criteria language; the store keeps them as they are given. */
export type FilterCriteria = Record<string, unknown>;

export interface Filter {
  id: FilterId;
  accountId: AccountId;
  region: string;
  name: string;
  criteria: FilterCriteria;
  action: FilterAction;
  reason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type NewFilter = Pick<Filter, 'accountId' | 'region' | 'name' | 'criteria' | 'action'> & { reason?: string | null };
export type FilterChanges = Partial<Pick<Filter, 'name' | 'criteria' | 'action' | 'reason'>>;

/** What a finished scan found and did to the resource's findings. */
export interface ScanResult {
  packages: number;
  warnings: number;
  created: number;
  updated: number;
  closed: number;
  reopened: number;
  unchanged: number;
}

/** A scan's state decides which of its times, result and error exist. */
export type ScanState =
  | { status: 'QUEUED'; startedAt: null; finishedAt: null; result: null; error: null }
  | { status: 'RUNNING'; startedAt: Timestamp; finishedAt: null; result: null; error: null }
  | { status: 'SUCCEEDED'; startedAt: Timestamp; finishedAt: Timestamp; result: ScanResult; error: null }
  | { status: 'FAILED'; startedAt: Timestamp | null; finishedAt: Timestamp; result: null; error: string };
export type ScanStatus = ScanState['status'];

/** A scan the server runs as a job: a target it can read, on behalf of one resource. */
export type Scan = ScanState & {
  id: ScanId;
  accountId: AccountId;
  region: string;
  resourceId: ResourceId;
  /** The target as given (a path, `oci-archive:...`, a zip). */
  target: string;
  /** How many times a worker has started it (a crashed worker's scan is started again). */
  attempts: number;
  createdAt: Timestamp;
};

export type NewScan = Pick<Scan, 'accountId' | 'region' | 'resourceId' | 'target'>;
export type ScanOutcome = { status: 'SUCCEEDED'; result: ScanResult } | { status: 'FAILED'; error: string };

export type EventType =
  | 'FINDING_CREATED'
  | 'FINDING_UPDATED'
  | 'FINDING_CLOSED'
  | 'FINDING_REOPENED'
  | 'FINDING_SUPPRESSED'
  | 'FINDING_UNSUPPRESSED'
  | 'RESOURCE_CREATED'
  | 'RESOURCE_DELETED'
  | 'COVERAGE_CHANGED';

export interface NewEvent {
  accountId: AccountId;
  type: EventType;
  /** The id of what changed (a finding, a resource). */
  subjectId: string;
  payload: unknown;
}

export interface StoredEvent extends NewEvent {
  /** Increases in commit order: a reader that saw seq n has seen every event up to n. */
  seq: number;
  createdAt: Timestamp;
}

export type { Finding, Severity };
