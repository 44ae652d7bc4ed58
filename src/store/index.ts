/** @module The service's state: one Store interface, on SQLite or PostgreSQL. @see https://kysely.dev/docs/migrations */
export type { Store, PutInventoryResult, Page } from './store.js';
export type * from './records.js';
export type * from './search.js';
export type * from './reevaluation.js';
export { findingAggregationTypes, findingAggregationSortBys } from './search.js';
export type { AccountId, ApiKeyId, ResourceId, FindingId, FilterId, ScanId } from './ids.js';
export { newId, asId } from './ids.js';
export { apiKeyRoles, resourceTypes } from './records.js';
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { PreparedInventory } from './inventory-index.js';
export { openSqliteStore } from './sqlite.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
