/** @module Rows ↔ records: the one place JSON columns are parsed and written, and identities derived. */
import type { Selectable } from 'kysely';
import { bodyDigest } from '../findings/body-digest.js';
import { packageParts } from '../findings/criteria.js';
import type { StoredFinding as LifecycleFinding } from '../findings/model.js';
import { normalizePackageName } from '../model/ecosystem.js';
import type { Finding } from '../model/finding.js';
import { findingJson } from '../model/finding-json.js';
import { SEVERITIES } from '../scoring/severity.js';
import { StoreError } from './errors.js';
import type { AccountId, ApiKeyId, FilterId, FindingId, ResourceId, ScanId } from './ids.js';
import type {
  Account,
  ApiKey,
  Filter,
  Scan,
  ScanState,
  FindingIdentity,
  FindingState,
  FindingWrite,
  Resource,
  ResourceSpec,
  StoredEvent,
  StoredFinding,
  StoredFindingHead,
  StoredFindingText,
  Timestamp,
} from './records.js';
import type { StoreDatabase } from './schema.js';

type Row<Table extends keyof StoreDatabase> = Selectable<StoreDatabase[Table]>;

/** Any ISO 8601 time, written as the one fixed-width UTC form so text order is time order. */
export function toTimestamp(value: string | Date): Timestamp {
  const time = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(time.getTime())) throw new StoreError('INVALID_TIMESTAMP', `"${String(value)}" is not an ISO 8601 time`);
  return time.toISOString();
}

export function accountFromRow(row: Row<'accounts'>): Account {
  return { id: row.id as AccountId, name: row.name, region: row.region, createdAt: row.created_at };
}

export function apiKeyFromRow(row: Row<'api_keys'>): ApiKey {
  return { id: row.id as ApiKeyId, accountId: row.account_id as AccountId, role: row.role, keyHash: row.key_hash, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export function resourceFromRow(row: Row<'resources'>): Resource {
  // The type column and the details written with it were checked together on the way in.
  const spec = { type: row.type, details: JSON.parse(row.details) } as ResourceSpec;
  return {
    ...spec,
    id: row.id as ResourceId,
    accountId: row.account_id as AccountId,
    region: row.region,
    name: row.name,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    lastScannedAt: row.last_scanned_at,
    inventoryTimestamp: row.inventory_timestamp,
    coverageReason: row.coverage_reason,
  };
}

/** The identity of a finding, read from the scanner's finding. */
export function identityOf(write: FindingWrite): FindingIdentity {
  const pkg = write.finding.package;
  return {
    accountId: write.accountId,
    resourceId: write.resourceId,
    type: 'PACKAGE_VULNERABILITY',
    vulnerabilityId: write.finding.vulnerabilityId,
    packageEcosystem: pkg.ecosystem,
    packageName: normalizePackageName(pkg.ecosystem, pkg.name),
    filePath: pkg.locations[0]?.path ?? '',
  };
}

export function identityKey(identity: FindingIdentity): string {
  return [identity.accountId, identity.resourceId, identity.type, identity.vulnerabilityId, identity.packageEcosystem, identity.packageName, identity.filePath].join('\u0000');
}

/** The findings columns finding_observations holds copies of, for its sort index (0008-finding-observations). */
export const observationCoveredColumns = ['account_id', 'status', 'severity', 'resource_type', 'fix_available', 'exploit_available', 'resource_id'] as const satisfies ReadonlyArray<
  keyof StoreDatabase['findings'] & keyof StoreDatabase['finding_observations']
>;

/** A finding write as its three rows: the finding's, its body's and its observation's. */
export function findingToRows(write: FindingWrite): { row: Row<'findings'>; body: Row<'finding_bodies'>; observation: Row<'finding_observations'> } {
  const identity = identityOf(write);
  const bodyJson = findingJson(write.finding);
  const row: Row<'findings'> = {
    id: write.id,
    account_id: write.accountId,
    region: write.region,
    resource_id: write.resourceId,
    resource_type: write.resourceType,
    type: identity.type,
    vulnerability_id: identity.vulnerabilityId,
    package_ecosystem: identity.packageEcosystem,
    package_name: identity.packageName,
    file_path: identity.filePath,
    status: write.status,
    first_observed_at: toTimestamp(write.firstObservedAt),
    updated_at: toTimestamp(write.updatedAt),
    closed_at: write.closedAt === null ? null : toTimestamp(write.closedAt),
    severity: write.finding.severity,
    score: write.finding.score,
    epss_score: write.finding.epss?.score ?? null,
    fix_available: write.finding.fixAvailable,
    exploit_available: write.finding.exploitAvailable,
    vigil_score: write.vigilScore?.score ?? null,
    score_adjustments: JSON.stringify(write.vigilScore?.adjustments ?? []),
    body_digest: bodyDigest(bodyJson),
    suppressed_by: JSON.stringify(write.status === 'SUPPRESSED' ? [...(write.suppressedBy ?? [])].sort() : []),
    ...findingSearchColumns(write.finding),
  };
  return {
    row,
    body: { finding_id: write.id, finding: bodyJson },
    observation: {
      finding_id: write.id,
      account_id: write.accountId,
      last_observed_at: toTimestamp(write.lastObservedAt),
      status: row.status,
      severity: row.severity,
      resource_type: row.resource_type,
      fix_available: row.fix_available,
      exploit_available: row.exploit_available,
      resource_id: row.resource_id,
    },
  };
}

/**
 * The columns finding search reads that the scan finding holds inside: its title, the package
 * as installed (name as spelled, version, and the epoch, release and architecture the criteria's
 * `packageParts` reads from them, so the database and the in-memory predicate cannot disagree),
 * the layer that brought the package, and the severity's rank for sorting.
 */
export function findingSearchColumns(finding: Finding) {
  let parts: ReturnType<typeof packageParts>;
  try {
    // packageParts reads nothing but the scan finding's package.
    parts = packageParts({ body: finding } as LifecycleFinding);
  } catch {
    // An architecture that is not valid percent-encoding: kept as none.
    parts = packageParts({ body: { ...finding, package: { ...finding.package, purl: finding.package.purl.replace(/[?&]arch=[^&#]*/g, '') } } } as LifecycleFinding);
  }
  return {
    title: finding.title,
    package_raw_name: finding.package.name,
    package_version: finding.package.version,
    package_epoch: parts.epoch,
    package_release: parts.release ?? null,
    package_arch: parts.architecture ?? null,
    layer_digest: finding.package.locations[0]?.layer?.digest ?? null,
    severity_rank: SEVERITIES.indexOf(finding.severity),
  };
}

/** The resource details aggregations group by, as columns: an image's repository, a function's runtime. */
export function resourceDetailColumns(spec: ResourceSpec): { repository: string | null; runtime: string | null } {
  switch (spec.type) {
    case 'CONTAINER_IMAGE':
      return { repository: spec.details.repository ?? null, runtime: null };
    case 'FUNCTION':
      return { repository: null, runtime: spec.details.runtime ?? null };
    case 'HOST':
      return { repository: null, runtime: null };
  }
}

/**
 * The columns a finding's head is read from (the search columns are not needed for it): its row's
 * and its observation's, which a query joins (`fromFindingHeads` in queries/findings.ts).
 */
export const findingHeadColumns = [
  'findings.id',
  'findings.account_id',
  'findings.region',
  'findings.resource_id',
  'findings.resource_type',
  'findings.type',
  'findings.vulnerability_id',
  'findings.package_ecosystem',
  'findings.package_name',
  'findings.file_path',
  'findings.status',
  'findings.first_observed_at',
  'finding_observations.last_observed_at',
  'findings.updated_at',
  'findings.closed_at',
  'findings.vigil_score',
  'findings.score_adjustments',
  'findings.body_digest',
  'findings.suppressed_by',
] as const;

/** The columns of `table` among `columns` ("table.column"), unqualified. */
type ColumnsOf<Table extends string, Columns> = Columns extends `${Table}.${infer C}` ? C : never;
type HeadColumn = (typeof findingHeadColumns)[number];
export type FindingHeadRow = Pick<Row<'findings'>, ColumnsOf<'findings', HeadColumn>> & Pick<Row<'finding_observations'>, ColumnsOf<'finding_observations', HeadColumn>>;

/** A JSON array column: '[]', the usual value, without the parser. */
function jsonArray<T>(text: string): T[] {
  return text === '[]' ? [] : (JSON.parse(text) as T[]);
}

/** The head columns a finding copies from its resource when written: the same for every finding of one resource. */
export type ResourceHeadColumns = Pick<FindingHeadRow, 'account_id' | 'region' | 'resource_id' | 'resource_type'>;
const resourceHeadColumns = new Set<HeadColumn>(['findings.account_id', 'findings.region', 'findings.resource_id', 'findings.resource_type']);
/** The head columns but those a finding shares with its resource: what a resource's heads are read as. */
export const findingHeadColumnsOfResource = findingHeadColumns.filter((column) => !resourceHeadColumns.has(column));

/** A head from its row, or from a row without its resource's columns and the resource's. */
export function findingHeadFromRow(row: FindingHeadRow): StoredFindingHead;
export function findingHeadFromRow(row: Omit<FindingHeadRow, keyof ResourceHeadColumns>, resource: ResourceHeadColumns): StoredFindingHead;
export function findingHeadFromRow(row: Omit<FindingHeadRow, keyof ResourceHeadColumns>, resource: ResourceHeadColumns = row as FindingHeadRow): StoredFindingHead {
  // One object literal with every property, not a spread of the state followed by the rest: V8
  // builds the latter property by property, thirty times slower, and a push reads thousands.
  // The CHECK constraint keeps status and closed_at consistent.
  return {
    status: row.status,
    closedAt: row.status === 'CLOSED' ? row.closed_at! : null,
    id: row.id as FindingId,
    accountId: resource.account_id as AccountId,
    region: resource.region,
    resourceId: resource.resource_id as ResourceId,
    resourceType: resource.resource_type,
    type: row.type,
    vulnerabilityId: row.vulnerability_id,
    packageEcosystem: row.package_ecosystem,
    packageName: row.package_name,
    filePath: row.file_path,
    firstObservedAt: row.first_observed_at,
    lastObservedAt: row.last_observed_at,
    updatedAt: row.updated_at,
    vigilScore: row.vigil_score === null ? null : { score: row.vigil_score, adjustments: jsonArray(row.score_adjustments) },
    suppressedBy: jsonArray<string>(row.suppressed_by),
    bodyDigest: row.body_digest,
  } as StoredFindingHead;
}

/** A finding's head and its body's JSON text, as one record. */
export function findingFromRows(row: FindingHeadRow, bodyJson: string): StoredFinding {
  return { ...findingHeadFromRow(row), finding: JSON.parse(bodyJson) as StoredFinding['finding'] };
}

/** A finding's head and its body's JSON text, the text kept as it is. */
export function findingTextFromRows(row: FindingHeadRow, findingJson: string): StoredFindingText {
  return { ...findingHeadFromRow(row), findingJson };
}

export function filterFromRow(row: Row<'filters'>): Filter {
  return {
    id: row.id as FilterId,
    accountId: row.account_id as AccountId,
    region: row.region,
    name: row.name,
    criteria: JSON.parse(row.criteria),
    action: row.action,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function eventFromRow(row: Row<'events'>): StoredEvent {
  return {
    seq: Number(row.seq),
    accountId: row.account_id as AccountId,
    type: row.type as StoredEvent['type'],
    subjectId: row.subject_id,
    payload: JSON.parse(row.payload),
    createdAt: row.created_at,
  };
}

export function scanFromRow(row: Row<'scans'>): Scan {
  // The writers in queries/scans.ts set times, result and error together with the status.
  const state = { status: row.status, startedAt: row.started_at, finishedAt: row.finished_at, result: row.result === null ? null : JSON.parse(row.result), error: row.error } as ScanState;
  return {
    ...state,
    id: row.id as ScanId,
    accountId: row.account_id as AccountId,
    region: row.region,
    resourceId: row.resource_id as ResourceId,
    target: row.target,
    attempts: Number(row.attempts),
    createdAt: row.created_at,
  };
}
