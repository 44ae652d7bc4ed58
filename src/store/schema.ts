/**
 * @module The store's tables as Kysely sees them, the same on SQLite and PostgreSQL. JSON is
 * kept as text and timestamps as ISO 8601 text: both compare and index alike on the two
 * databases, and no driver converts them on the way in or out.
 */
import type { Generated } from 'kysely';

type Json = string;
type Timestamp = string;

export interface AccountsTable {
  id: string;
  name: string;
  region: string;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  role: 'admin' | 'member' | 'read-only';
  key_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ResourcesTable {
  id: string;
  account_id: string;
  region: string;
  type: 'HOST' | 'CONTAINER_IMAGE' | 'FUNCTION';
  name: string;
  tags: Json;
  details: Json;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
  last_scanned_at: Timestamp | null;
  inventory_timestamp: Timestamp | null;
  /** A CONTAINER_IMAGE's details.repository (aggregation by REPOSITORY, IMAGE_LAYER). */
  repository: string | null;
  /** A FUNCTION's details.runtime (aggregation by FUNCTION). */
  runtime: string | null;
  /** The coverage reason last announced by a COVERAGE_CHANGED event; NULL before the first. */
  coverage_reason: string | null;
}

/** A resource's tags, one row each, kept with resources.tags (the resourceTags criteria read these). */
export interface ResourceTagsTable {
  resource_id: string;
  key: string;
  value: string;
}

export interface InventoriesTable {
  resource_id: string;
  account_id: string;
  region: string;
  inventory: Json;
  inventory_timestamp: Timestamp;
  stored_at: Timestamp;
  /** The inventory's distribution as JSON ("null" for none); NULL for inventories stored before it was kept. */
  distro: Json | null;
}

export interface InventoryIndexTable {
  resource_id: string;
  account_id: string;
  region: string;
  ecosystem: string;
  package_name: string;
  /** JSON [[position, package], ...] of the inventory's packages under this key; NULL when unknown (see 0004-inventory-packages). */
  packages: Json | null;
}

export interface FindingsTable {
  id: string;
  account_id: string;
  region: string;
  resource_id: string;
  resource_type: 'HOST' | 'CONTAINER_IMAGE' | 'FUNCTION';
  type: 'PACKAGE_VULNERABILITY';
  vulnerability_id: string;
  package_ecosystem: string;
  package_name: string;
  file_path: string;
  status: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  first_observed_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  severity: string;
  score: number | null;
  epss_score: number | null;
  fix_available: 'YES' | 'NO' | 'PARTIAL';
  exploit_available: 'YES' | 'NO';
  vigil_score: number | null;
  score_adjustments: Json;
  /** `bodyDigest` of the body in finding_bodies. */
  body_digest: string;
  /** JSON array of the ids of the rules that suppressed the finding ('[]' unless SUPPRESSED). */
  suppressed_by: Json;
  /** Read from the body on write (rows.findingSearchColumns), for the criteria and sorts. */
  title: string;
  package_raw_name: string;
  package_version: string;
  package_epoch: number;
  package_release: string | null;
  package_arch: string | null;
  layer_digest: string | null;
  severity_rank: number;
}

/** A finding's body, the `vigil scan --format json` finding, apart from its row so that updating the row stays small. */
export interface FindingBodiesTable {
  finding_id: string;
  finding: Json;
}

/**
 * When each finding was last observed, apart from its row: a push moves it for every finding it
 * sees (0008-finding-observations). Behind it, copies of the findings columns the common criteria
 * test, for the lastObservedAt sort's index (written with the row: rows.findingToRows, closeFindings).
 */
export interface FindingObservationsTable {
  finding_id: string;
  account_id: string;
  last_observed_at: Timestamp;
  status: FindingsTable['status'];
  severity: string;
  resource_type: FindingsTable['resource_type'];
  fix_available: FindingsTable['fix_available'];
  exploit_available: FindingsTable['exploit_available'];
  resource_id: string;
}

export interface FiltersTable {
  id: string;
  account_id: string;
  region: string;
  name: string;
  criteria: Json;
  action: 'NONE' | 'SUPPRESS';
  reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventsTable {
  /** PostgreSQL hands bigserial values back as strings; the store converts. */
  seq: Generated<number | string>;
  account_id: string;
  type: string;
  subject_id: string;
  payload: Json;
  created_at: Timestamp;
}

export interface ScansTable {
  id: string;
  account_id: string;
  region: string;
  resource_id: string;
  target: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  result: Json | null;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface StoreDatabase {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  resources: ResourcesTable;
  resource_tags: ResourceTagsTable;
  inventories: InventoriesTable;
  inventory_index: InventoryIndexTable;
  findings: FindingsTable;
  finding_bodies: FindingBodiesTable;
  finding_observations: FindingObservationsTable;
  filters: FiltersTable;
  events: EventsTable;
  scans: ScansTable;
  settings: SettingsTable;
}
