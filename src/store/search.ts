/**
 * @module What finding search, aggregation, counting and retention take and give. The criteria
 * arrive parsed (`parseCriteria`) and mean exactly what `compileCriteria` means; the order and
 * cursor of a search are `sortFindings`' and `pageFindings`' (src/findings/sort.ts).
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindingAggregations.html
 */
import type { FilterCriteria as ParsedCriteria } from '../findings/criteria.js';
import type { Cursor, SortCriteria, SortOrder } from '../findings/sort.js';
import type { AccountId, ResourceId } from './ids.js';
import type { FindingStatus, ResourceType, Severity, StoredFindingText, Timestamp } from './records.js';


export interface FindingSearch {
  /** Parsed criteria; without a findingStatus key only ACTIVE findings match (Inspector's default). */
  criteria: ParsedCriteria;
  sort: SortCriteria;
  /** Findings per page, 1 to 100 (clamped). */
  limit: number;
  /** The `next` of the previous page; it must belong to the same sort. */
  after?: Cursor;
}

export interface FindingSearchPage {
  /** Each with its body as stored text (JSON.parse it for the object). */
  findings: StoredFindingText[];
  /** The position of the last finding; absent on the last page. */
  next?: Cursor;
}

export type FindingAggregationType = 'ACCOUNT' | 'RESOURCE' | 'RESOURCE_TYPE' | 'PACKAGE' | 'VULNERABILITY' | 'REPOSITORY' | 'IMAGE_LAYER' | 'FUNCTION';
export const findingAggregationTypes: readonly FindingAggregationType[] = ['ACCOUNT', 'RESOURCE', 'RESOURCE_TYPE', 'PACKAGE', 'VULNERABILITY', 'REPOSITORY', 'IMAGE_LAYER', 'FUNCTION'];

/** The count a group list is ordered by (Inspector's sortBy: ALL, CRITICAL, HIGH; the rest are ours). */
export type FindingAggregationSortBy = 'ALL' | 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNTRIAGED' | 'FIX_AVAILABLE' | 'EXPLOIT_AVAILABLE';
export const findingAggregationSortBys: readonly FindingAggregationSortBy[] = ['ALL', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED', 'FIX_AVAILABLE', 'EXPLOIT_AVAILABLE'];

/**
 * Inspector's SeverityCounts (all, critical, high, medium) with the other levels, and how many of
 * the findings have a fix (fixAvailable YES; PARTIAL is not counted) or a known exploit.
 */
export interface FindingCounts {
  all: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  informational: number;
  untriaged: number;
  fixAvailable: number;
  exploitAvailable: number;
}

/** One group with the fields that name it; which fields depends on the aggregation type. */
export type FindingAggregation = { counts: FindingCounts } & (
  | { type: 'ACCOUNT'; accountId: AccountId }
  | { type: 'RESOURCE'; resourceId: ResourceId; resourceType: ResourceType }
  | { type: 'RESOURCE_TYPE'; resourceType: ResourceType }
  | { type: 'PACKAGE'; packageEcosystem: string; packageName: string }
  | { type: 'VULNERABILITY'; vulnerabilityId: string }
  /** CONTAINER_IMAGE findings by their image's repository; affectedImages counts the images. */
  | { type: 'REPOSITORY'; repository: string; affectedImages: number }
  /** CONTAINER_IMAGE findings by image and the layer that brought the package; findings without a layer are left out. */
  | { type: 'IMAGE_LAYER'; resourceId: ResourceId; repository: string; layerDigest: string }
  /** FUNCTION findings by function. */
  | { type: 'FUNCTION'; resourceId: ResourceId; functionName: string; runtime: string | null }
);

export interface FindingAggregationRequest {
  type: FindingAggregationType;
  /** Parsed criteria over the findings counted; the same status default as a search. */
  criteria?: ParsedCriteria;
  /** Default ALL. */
  sortBy?: FindingAggregationSortBy;
  /** Default DESC. Groups with equal counts are ordered by the fields that name them, in the same direction. */
  sortOrder?: SortOrder;
  /** Groups per page, 1 to 100 (clamped). */
  limit: number;
  /** The `next` of the previous page (opaque; made for the same type, sortBy and sortOrder). */
  after?: string;
}

export interface FindingAggregationPage {
  groups: FindingAggregation[];
  next?: string;
}

/** Findings of one status and severity (every status, for /metrics). */
export interface FindingCount {
  status: FindingStatus;
  severity: Severity;
  count: number;
}

/**
 * What retention deletes: CLOSED findings closed at or before `closedBefore`, and CLOSED findings
 * of deleted resources closed at or before `deletedResourceClosedBefore` (`purgeable` with
 * closeReason RESOURCE_DELETED for a deleted resource's findings, at now − the policy's days).
 */
export interface RetentionCutoffs {
  closedBefore: Timestamp;
  deletedResourceClosedBefore: Timestamp;
  /** Only this account's findings and resources; every account's when absent. */
  accountId?: AccountId;
}

export interface PurgeResult {
  findings: number;
  /** Deleted resources removed because none of their findings were left. */
  resources: number;
}
