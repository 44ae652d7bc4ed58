/**
 * @module The service's state behind one interface. SQLite (`openSqliteStore`) and PostgreSQL
 * (`openPostgresStore`) implement it with the same schema and the same queries; `contract.ts`
 * holds both to it.
 */
import type { Inventory } from '../model/inventory.js';
import type { PreparedInventory } from './inventory-index.js';
import type { PackageLookupKey } from '../match/lookup-keys.js';
import type { AccountId, ApiKeyId, FilterId, FindingId, ResourceId, ScanId } from './ids.js';
import type {
  Account,
  Finding,
  ApiKey,
  ApiKeyRole,
  Filter,
  FilterAction,
  FilterChanges,
  FindingIdentity,
  FindingWrite,
  NewEvent,
  NewFilter,
  NewResource,
  NewScan,
  Resource,
  ResourceRef,
  ResourceType,
  Scan,
  ScanOutcome,
  StoredEvent,
  StoredFinding,
  StoredFindingHead,
  Timestamp,
} from './records.js';
import type { FindingOutline, FindingPackageRef, HeldPackages } from './reevaluation.js';
import type { FindingAggregationPage, FindingAggregationRequest, FindingCount, FindingSearch, FindingSearchPage, PurgeResult, RetentionCutoffs } from './search.js';

/** What storing an inventory did: stored it, or refused it because a newer one is stored. */
export type PutInventoryResult =
  | { stored: true; previousTimestamp: Timestamp | null }
  | { stored: false; reason: 'STALE'; storedTimestamp: Timestamp };

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last. */
  next?: string;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  createAccount(input: { id?: AccountId; name: string; region: string }): Promise<Account>;
  getAccount(id: AccountId): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;

  /** Stores a key by its digest; hashing the secret is the caller's job. */
  createApiKey(input: { accountId: AccountId; role: ApiKeyRole; keyHash: string }): Promise<ApiKey>;
  /** The unrevoked key with this digest. */
  findApiKeyByHash(keyHash: string): Promise<ApiKey | undefined>;
  listApiKeys(accountId: AccountId): Promise<ApiKey[]>;
  /** False when the key is not the account's or was already revoked. */
  revokeApiKey(accountId: AccountId, id: ApiKeyId): Promise<boolean>;

  createResource(input: NewResource): Promise<Resource>;
  /** Deleted resources only when asked for. */
  getResource(accountId: AccountId, id: ResourceId, options?: { includeDeleted?: boolean }): Promise<Resource | undefined>;
  listResources(accountId: AccountId, options?: { type?: ResourceType; region?: string; limit?: number; after?: string }): Promise<Page<Resource>>;
  /**
   * Marks the resource deleted and takes it out of the inventory index. Its findings are the
   * reconciler's to close. False when there was nothing to delete.
   */
  deleteResource(accountId: AccountId, id: ResourceId): Promise<boolean>;

  /**
   * Stores a resource's latest inventory and re-indexes it, unless the stored one is newer
   * (the caller answers 409). Locks the resource until the transaction ends, so two inventories
   * for one resource are applied one after the other. The inventory may come prepared, its text
   * and index entries made beforehand.
   */
  putInventory(resourceId: ResourceId, inventory: Inventory | PreparedInventory, timestamp: Timestamp): Promise<PutInventoryResult>;
  getInventory(resourceId: ResourceId): Promise<{ inventory: Inventory; timestamp: Timestamp } | undefined>;
  /** Records a scan or re-evaluation of the resource (coverage's lastScannedAt). */
  markScanned(resourceId: ResourceId, at: Timestamp): Promise<void>;
  /** Records the coverage reason just announced for the resource. */
  setCoverageReason(resourceId: ResourceId, reason: string): Promise<void>;
  /**
   * Undeleted resources whose inventory was taken before `takenBefore` and whose last announced
   * coverage reason is none of `notReasons` (or none yet): the stale sweep's candidates, by id,
   * after the id `after`.
   */
  resourcesGoingStale(takenBefore: Timestamp, options: { notReasons: readonly string[]; limit: number; after?: string }): Promise<ResourceRef[]>;
  /** Locks the resource for the rest of the transaction (re-evaluation takes it as a push does). */
  lockResource(resourceId: ResourceId): Promise<Resource | undefined>;
  /** Undeleted resources of any account whose inventories hold one of these packages. */
  resourcesHolding(keys: readonly PackageLookupKey[]): Promise<ResourceRef[]>;
  /** Locks the undeleted ones of these resources (in id order) for the rest of the transaction; re-evaluation's batch lock. */
  lockResources(resourceIds: readonly ResourceId[]): Promise<Resource[]>;
  /** For each of these resources holding one of the keys: the inventory's packages under them, from the index. */
  heldPackages(resourceIds: readonly ResourceId[], keys: readonly PackageLookupKey[]): Promise<HeldPackages[]>;
  /** Every finding (closed ones included) of these resources' packages, each named by its package name and file; by id. */
  findingsOfPackages(refs: readonly FindingPackageRef[]): Promise<StoredFinding[]>;
  /** The open findings, in outline, of these (resource, vulnerability) pairs; by id. */
  openFindingsWith(refs: readonly { resourceId: ResourceId; vulnerabilityId: string }[]): Promise<FindingOutline[]>;
  /** `markScanned` for many resources at once. */
  markResourcesScanned(resourceIds: readonly ResourceId[], at: Timestamp): Promise<void>;

  getFinding(accountId: AccountId, id: FindingId): Promise<StoredFinding | undefined>;
  findFindingByIdentity(identity: FindingIdentity): Promise<StoredFinding | undefined>;
  /** Every finding of the resource, closed ones included. */
  listFindingsForResource(resourceId: ResourceId): Promise<StoredFinding[]>;
  /**
   * The same without their bodies (a push compares them by digest); by id. Their account, region
   * and resource type are the resource's, as given (a finding copies them from its resource).
   */
  listFindingHeadsForResource(resource: ResourceRef): Promise<StoredFindingHead[]>;
  /** The bodies of these findings, by id; an unknown id is left out. */
  getFindingBodies(ids: readonly FindingId[]): Promise<Map<FindingId, Finding>>;
  /** Inserts new identities and replaces existing ones; returns the rows as stored. */
  upsertFindings(findings: readonly FindingWrite[]): Promise<StoredFinding[]>;
  /**
   * A scan saw these open findings unchanged: only their lastObservedAt moves (a push rewrites
   * nothing else of them). Closed ones among them are left alone.
   */
  observeFindings(ids: readonly FindingId[], at: Timestamp): Promise<void>;
  /** Closes the findings among these that are not closed yet; returns those it closed, without their bodies. */
  closeFindings(ids: readonly FindingId[], at: Timestamp): Promise<StoredFindingHead[]>;
  /**
   * One page of the account's findings that the criteria match, in the sort's order
   * (`compileCriteria`, `sortFindings` and `pageFindings` of src/findings, run in the database).
   * A cursor of another sort is INVALID_CURSOR.
   */
  searchFindings(accountId: AccountId, request: FindingSearch): Promise<FindingSearchPage>;
  /** The matching findings grouped by the request's type, with counts per severity, fix and exploit; paged. */
  aggregateFindings(accountId: AccountId, request: FindingAggregationRequest): Promise<FindingAggregationPage>;
  /** Findings by status and severity, every status included: one account's, or every account's. */
  countFindings(accountId?: AccountId): Promise<FindingCount[]>;
  /** Deletes the CLOSED findings retention lets go, and deleted resources left with no findings. */
  purgeFindings(cutoffs: RetentionCutoffs): Promise<PurgeResult>;

  createFilter(input: NewFilter): Promise<Filter>;
  getFilter(accountId: AccountId, id: FilterId): Promise<Filter | undefined>;
  listFilters(accountId: AccountId, options?: { action?: FilterAction }): Promise<Filter[]>;
  updateFilter(accountId: AccountId, id: FilterId, changes: FilterChanges): Promise<Filter | undefined>;
  deleteFilter(accountId: AccountId, id: FilterId): Promise<boolean>;

  /** Appends to the outbox; write it in the transaction of the change it reports. */
  appendEvents(events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /** Events with seq above `after`, oldest first; one account's, or every account's. */
  eventsAfter(after: number, limit: number, options?: { accountId?: AccountId }): Promise<StoredEvent[]>;

  createScan(input: NewScan): Promise<Scan>;
  getScan(accountId: AccountId, id: ScanId): Promise<Scan | undefined>;
  /**
   * Marks a queued (or a crashed worker's running) scan RUNNING and counts the attempt; undefined
   * when it has finished already, so a job delivered twice does its work once.
   */
  startScan(id: ScanId, at: Timestamp): Promise<Scan | undefined>;
  /** Records the outcome of an unfinished scan; undefined when it had finished already. */
  finishScan(id: ScanId, outcome: ScanOutcome, at: Timestamp): Promise<Scan | undefined>;
  /** Scans queued or running, oldest first (an in-process queue requeues them on start). */
  listUnfinishedScans(): Promise<Scan[]>;

  getSetting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;

  /**
   * Runs `fn` in one transaction: all its writes or none. Use only `tx` inside `fn` (on SQLite
   * the outer store waits for the transaction to end). A transaction inside a transaction joins it.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  close(): Promise<void>;
}
