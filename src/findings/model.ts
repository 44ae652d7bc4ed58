/**
 * @module The service's finding: a scan finding (the `vigil scan --format json` shape) with an
 * identity, a lifecycle status and the times that lifecycle happened at, plus its Vigil score.
 */
import type { Finding } from '../model/finding.js';
import { packageKey } from '../model/ecosystem.js';

export type FindingType = 'PACKAGE_VULNERABILITY' | 'NETWORK_REACHABILITY' | 'CODE_VULNERABILITY';
export const findingTypes: readonly FindingType[] = ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY'];

export type FindingStatus = 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
export const findingStatuses: readonly FindingStatus[] = ['ACTIVE', 'SUPPRESSED', 'CLOSED'];

export type ResourceType = 'HOST' | 'CONTAINER_IMAGE' | 'FUNCTION';
export const resourceTypes: readonly ResourceType[] = ['HOST', 'CONTAINER_IMAGE', 'FUNCTION'];

/** Why a finding was closed: a scan no longer saw it, or its resource was deleted (purged sooner). */
export type CloseReason = 'NOT_OBSERVED' | 'RESOURCE_DELETED';

/** What the criteria and the Vigil score may know of a finding's resource. */
export interface ResourceFacts {
  accountId: string;
  region: string;
  resourceId: string;
  resourceType: ResourceType;
  resourceTags: Readonly<Record<string, string>>;
}

/** One change the Vigil score made to the base score, and why. */
export interface ScoreAdjustment {
  metric: string;
  reason: string;
}

/** The lifecycle part of a finding; CLOSED alone has a close time and reason. */
export type FindingLifecycle =
  | { status: 'ACTIVE' | 'SUPPRESSED'; closedAt: null; closeReason: null }
  | { status: 'CLOSED'; closedAt: string; closeReason: CloseReason };

/** What a stored finding is besides its body. Times are ISO 8601 UTC strings ("2024-05-01T10:00:00.000Z"). */
interface StoredFindingFields {
  id: string;
  accountId: string;
  region: string;
  resourceId: string;
  resourceType: ResourceType;
  type: FindingType;
  /** Identity parts kept as columns: the package's ecosystem and name, and the file that listed it. */
  packageEcosystem: string;
  packageName: string;
  /** The first location of the package ("" when the scan gave none). */
  filePath: string;
  firstObservedAt: string;
  lastObservedAt: string;
  updatedAt: string;
  /** The Vigil score: the finding's chosen CVSS base score adjusted by what is known of the resource. */
  vigilScore: number | null;
  scoreAdjustments: ScoreAdjustment[];
  /** Ids of the suppression rules that matched when the finding was last evaluated (empty unless SUPPRESSED). */
  suppressedBy: string[];
}

/** A finding as the service stores it. */
export type StoredFinding = StoredFindingFields & {
  /** Everything the scan said about the finding. */
  body: Finding;
  /** `bodyDigest` of the body as stored, when it was read from a store. Whoever changes `body` drops it. */
  bodyDigest?: string;
  /** The body's vulnerabilityId, when the store gave it as a column. */
  vulnerabilityId?: string;
} & FindingLifecycle;

/**
 * A stored finding as a push reads it: without its body, which is compared by its digest and read
 * from the store only where the digest says it changed (`bodiesToLoad`); or whole.
 */
export type StoredFindingHead =
  | StoredFinding
  | (StoredFindingFields & { body?: undefined; bodyDigest: string; vulnerabilityId: string } & FindingLifecycle);

/** The file path that is part of a finding's identity: its package's first location. */
export function findingFilePath(finding: Finding): string {
  return finding.package.locations[0]?.path ?? '';
}

/**
 * The identity of a finding as one string: account, resource, type, vulnerability id, package
 * ecosystem and name (compared in the ecosystem's own name form, so "Django" and "django" on PyPI
 * are one package), and file path. The installed version is not part of it: an upgrade that still
 * leaves the package vulnerable updates the same finding.
 */
export function identityKey(parts: {
  accountId: string;
  resourceId: string;
  type: FindingType;
  vulnerabilityId: string;
  packageEcosystem: string;
  packageName: string;
  filePath: string;
}): string {
  // A template, not an array joined: a push keys thousands of findings.
  return `${parts.accountId}\u0000${parts.resourceId}\u0000${parts.type}\u0000${parts.vulnerabilityId}\u0000${packageKey(parts.packageEcosystem, parts.packageName)}\u0000${parts.filePath}`;
}

export function storedIdentityKey(finding: StoredFindingHead): string {
  return identityKey({
    accountId: finding.accountId,
    resourceId: finding.resourceId,
    type: finding.type,
    vulnerabilityId: storedVulnerabilityId(finding),
    packageEcosystem: finding.packageEcosystem,
    packageName: finding.packageName,
    filePath: finding.filePath,
  });
}

/** The vulnerability id of a stored finding: its column, else its body's. */
export function storedVulnerabilityId(finding: StoredFindingHead): string {
  return finding.vulnerabilityId ?? finding.body!.vulnerabilityId;
}

export type FindingEventType =
  | 'FINDING_CREATED'
  | 'FINDING_UPDATED'
  | 'FINDING_CLOSED'
  | 'FINDING_REOPENED'
  | 'FINDING_SUPPRESSED'
  | 'FINDING_UNSUPPRESSED';

/** One change to one finding, for the outbox. The payload is small: enough to act on without a read. */
export interface FindingEvent {
  type: FindingEventType;
  findingId: string;
  accountId: string;
  resourceId: string;
  at: string;
  payload: Record<string, unknown>;
}
