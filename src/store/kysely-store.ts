/**
 * @module The Store on Kysely: one set of queries for SQLite and PostgreSQL. Where the two differ
 * (row locks, the outbox's commit order) the difference is named here and nowhere else.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Inventory } from '../model/inventory.js';
import { inventoryLookupKeys, type PackageLookupKey } from '../match/lookup-keys.js';
import { normalizePackageName } from '../model/ecosystem.js';
import { StoreError } from './errors.js';
import { newId, type AccountId, type ApiKeyId, type FilterId, type FindingId, type ResourceId } from './ids.js';
import type { DialectName } from './migrations/index.js';
import type { ApiKeyRole, FilterAction, FilterChanges, FindingIdentity, FindingWrite, NewEvent, NewFilter, NewResource, ResourceType, Timestamp } from './records.js';
import * as rows from './rows.js';
import type { StoreDatabase } from './schema.js';
import type { Page, PutInventoryResult, Store } from './store.js';

/**
 * Rows per statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters with the
 * widest table (findings, 23 columns).
 */
const BATCH = 500;

/** The PostgreSQL advisory lock that puts outbox appends in commit order (see appendEvents). */
const OUTBOX_LOCK = 0x76696769;

const findingIdentityColumns = ['account_id', 'resource_id', 'type', 'vulnerability_id', 'package_ecosystem', 'package_name', 'file_path'] as const;
const findingMutableColumns = [
  'id',
  'region',
  'resource_type',
  'status',
  'first_observed_at',
  'last_observed_at',
  'updated_at',
  'closed_at',
  'severity',
  'score',
  'epss_score',
  'fix_available',
  'exploit_available',
  'vigil_score',
  'score_adjustments',
  'finding',
] as const;

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function now(): Timestamp {
  return new Date().toISOString();
}

export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    readonly dialect: DialectName,
    /** Set on the store a transaction hands to its callback. */
    private readonly inTransaction = false,
  ) {}

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    if (this.dialect === 'sqlite') return this.sqliteTransaction(fn);
    return this.db.transaction().execute((trx: Transaction<StoreDatabase>) => fn(new KyselyStore(trx, this.dialect, true)));
  }

  /**
   * SQLite transactions take the write lock when they begin (BEGIN IMMEDIATE), not at their
   * first write as Kysely's plain BEGIN does. Another process on the same file (a `vigil keys`
   * command beside the server) may have written in between: a transaction that read first would
   * then fail with SQLITE_BUSY instead of waiting its turn and reading what was committed.
   */
  private sqliteTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      let result: T;
      try {
        result = await fn(new KyselyStore(connection, this.dialect, true));
      } catch (error) {
        // SQLite has already rolled back after some errors (a full disk); the caller wants the cause, not that.
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
      await sql`commit`.execute(connection);
      return result;
    });
  }

  /** Runs a multi-statement method atomically, inside the caller's transaction when there is one. */
  private atomically<T>(fn: (tx: KyselyStore) => Promise<T>): Promise<T> {
    return this.transaction((tx) => fn(tx as KyselyStore));
  }

  async close(): Promise<void> {
    if (this.inTransaction) throw new Error('a transaction cannot close the store');
    await this.db.destroy();
  }

  private async requireAccount(id: AccountId): Promise<void> {
    const found = await this.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) throw new StoreError('ACCOUNT_NOT_FOUND', `account ${id} does not exist`);
  }

  // Accounts and keys.

  async createAccount(input: { id?: AccountId; name: string; region: string }) {
    const row = { id: input.id ?? newId('AccountId'), name: input.name, region: input.region, created_at: now() };
    await this.db.insertInto('accounts').values(row).execute();
    return rows.accountFromRow(row);
  }

  async getAccount(id: AccountId) {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && rows.accountFromRow(row);
  }

  async listAccounts() {
    return (await this.db.selectFrom('accounts').selectAll().orderBy('id').execute()).map(rows.accountFromRow);
  }

  async createApiKey(input: { accountId: AccountId; role: ApiKeyRole; keyHash: string }) {
    await this.requireAccount(input.accountId);
    const row = { id: newId('ApiKeyId'), account_id: input.accountId, role: input.role, key_hash: input.keyHash, created_at: now(), revoked_at: null };
    await this.db.insertInto('api_keys').values(row).execute();
    return rows.apiKeyFromRow(row);
  }

  async findApiKeyByHash(keyHash: string) {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
    return row && rows.apiKeyFromRow(row);
  }

  async listApiKeys(accountId: AccountId) {
    return (await this.db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map(rows.apiKeyFromRow);
  }

  async revokeApiKey(accountId: AccountId, id: ApiKeyId) {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  // Resources and their inventories.

  async createResource(input: NewResource) {
    await this.requireAccount(input.accountId);
    const row = {
      id: input.id ?? newId('ResourceId'),
      account_id: input.accountId,
      region: input.region,
      type: input.type,
      name: input.name,
      tags: JSON.stringify(input.tags ?? {}),
      details: JSON.stringify(input.details),
      created_at: now(),
      deleted_at: null,
      last_scanned_at: null,
      inventory_timestamp: null,
    };
    await this.db.insertInto('resources').values(row).execute();
    return rows.resourceFromRow(row);
  }

  async getResource(accountId: AccountId, id: ResourceId, options: { includeDeleted?: boolean } = {}) {
    const row = await this.db
      .selectFrom('resources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .$if(!options.includeDeleted, (qb) => qb.where('deleted_at', 'is', null))
      .executeTakeFirst();
    return row && rows.resourceFromRow(row);
  }

  async listResources(accountId: AccountId, options: { type?: ResourceType; region?: string; limit?: number; after?: string } = {}): Promise<Page<ReturnType<typeof rows.resourceFromRow>>> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const found = await this.db
      .selectFrom('resources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .$if(options.type !== undefined, (qb) => qb.where('type', '=', options.type!))
      .$if(options.region !== undefined, (qb) => qb.where('region', '=', options.region!))
      .$if(options.after !== undefined, (qb) => qb.where('id', '>', options.after!))
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const items = found.slice(0, limit).map(rows.resourceFromRow);
    return found.length > limit ? { items, next: items.at(-1)!.id } : { items };
  }

  async deleteResource(accountId: AccountId, id: ResourceId) {
    return this.atomically(async (tx) => {
      const result = await tx.db
        .updateTable('resources')
        .set({ deleted_at: now() })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      // A deleted resource is never re-evaluated, so it leaves the index now.
      await tx.db.deleteFrom('inventory_index').where('resource_id', '=', id).execute();
      return true;
    });
  }

  /** The undeleted resource row, locked against other transactions on PostgreSQL until this one ends. */
  private async lockedResourceRow(resourceId: ResourceId) {
    return this.db
      .selectFrom('resources')
      .selectAll()
      .where('id', '=', resourceId)
      .where('deleted_at', 'is', null)
      // SQLite has no row locks and needs none: its one connection runs one transaction at a time.
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirst();
  }

  async lockResource(resourceId: ResourceId) {
    const row = await this.lockedResourceRow(resourceId);
    return row && rows.resourceFromRow(row);
  }

  async putInventory(resourceId: ResourceId, inventory: Inventory, timestamp: Timestamp): Promise<PutInventoryResult> {
    const taken = rows.toTimestamp(timestamp);
    return this.atomically(async (tx) => {
      const resource = await tx.lockedResourceRow(resourceId);
      if (!resource) throw new StoreError('RESOURCE_NOT_FOUND', `resource ${resourceId} does not exist or was deleted`);
      const previous = resource.inventory_timestamp;
      if (previous !== null && previous > taken) return { stored: false, reason: 'STALE', storedTimestamp: previous };
      const storedAt = now();
      const row = { resource_id: resourceId, account_id: resource.account_id, region: resource.region, inventory: JSON.stringify(inventory), inventory_timestamp: taken, stored_at: storedAt };
      await tx.db
        .insertInto('inventories')
        .values(row)
        .onConflict((oc) => oc.column('resource_id').doUpdateSet({ inventory: row.inventory, inventory_timestamp: taken, stored_at: storedAt }))
        .execute();
      await tx.db.updateTable('resources').set({ inventory_timestamp: taken, last_scanned_at: storedAt }).where('id', '=', resourceId).execute();
      await tx.reindex(resource, inventoryLookupKeys(inventory));
      return { stored: true, previousTimestamp: previous };
    });
  }

  /** Brings the resource's index rows to `keys`, touching only what changed. */
  private async reindex(resource: { id: string; account_id: string; region: string }, keys: PackageLookupKey[]): Promise<void> {
    const keyOf = (ecosystem: string, name: string) => `${ecosystem}\u0000${name}`;
    const wanted = new Map(keys.map((k) => [keyOf(k.ecosystem, k.name), k]));
    const held = await this.db.selectFrom('inventory_index').select(['ecosystem', 'package_name']).where('resource_id', '=', resource.id).execute();
    const gone = held.filter((h) => !wanted.delete(keyOf(h.ecosystem, h.package_name)));
    for (const chunk of chunks(gone)) {
      await this.db
        .deleteFrom('inventory_index')
        .where('resource_id', '=', resource.id)
        .where(({ eb, refTuple, tuple }) => eb(refTuple('ecosystem', 'package_name'), 'in', chunk.map((g) => tuple(g.ecosystem, g.package_name))))
        .execute();
    }
    for (const chunk of chunks([...wanted.values()])) {
      await this.db
        .insertInto('inventory_index')
        .values(chunk.map((k) => ({ resource_id: resource.id, account_id: resource.account_id, region: resource.region, ecosystem: k.ecosystem, package_name: k.name })))
        .execute();
    }
  }

  async getInventory(resourceId: ResourceId) {
    const row = await this.db.selectFrom('inventories').select(['inventory', 'inventory_timestamp']).where('resource_id', '=', resourceId).executeTakeFirst();
    return row && { inventory: JSON.parse(row.inventory) as Inventory, timestamp: row.inventory_timestamp };
  }

  async markScanned(resourceId: ResourceId, at: Timestamp) {
    await this.db.updateTable('resources').set({ last_scanned_at: rows.toTimestamp(at) }).where('id', '=', resourceId).execute();
  }

  async resourcesHolding(keys: readonly PackageLookupKey[]) {
    const normalised = keys.map((k) => ({ ecosystem: k.ecosystem, name: normalizePackageName(k.ecosystem, k.name) }));
    const found = new Map<string, { id: ResourceId; accountId: AccountId; region: string; type: ResourceType }>();
    for (const chunk of chunks(normalised)) {
      const hits = await this.db
        .selectFrom('inventory_index')
        .innerJoin('resources', 'resources.id', 'inventory_index.resource_id')
        .select(['resources.id', 'resources.account_id', 'resources.region', 'resources.type'])
        .distinct()
        .where('resources.deleted_at', 'is', null)
        .where(({ eb, refTuple, tuple }) =>
          eb(refTuple('inventory_index.ecosystem', 'inventory_index.package_name'), 'in', chunk.map((k) => tuple(k.ecosystem, k.name))),
        )
        .execute();
      for (const hit of hits) found.set(hit.id, { id: hit.id as ResourceId, accountId: hit.account_id as AccountId, region: hit.region, type: hit.type });
    }
    return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // Findings.

  async getFinding(accountId: AccountId, id: FindingId) {
    const row = await this.db.selectFrom('findings').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && rows.findingFromRow(row);
  }

  async findFindingByIdentity(identity: FindingIdentity) {
    const row = await this.db
      .selectFrom('findings')
      .selectAll()
      .where('account_id', '=', identity.accountId)
      .where('resource_id', '=', identity.resourceId)
      .where('type', '=', identity.type)
      .where('vulnerability_id', '=', identity.vulnerabilityId)
      .where('package_ecosystem', '=', identity.packageEcosystem)
      .where('package_name', '=', normalizePackageName(identity.packageEcosystem, identity.packageName))
      .where('file_path', '=', identity.filePath)
      .executeTakeFirst();
    return row && rows.findingFromRow(row);
  }

  async listFindingsForResource(resourceId: ResourceId) {
    return (await this.db.selectFrom('findings').selectAll().where('resource_id', '=', resourceId).orderBy('id').execute()).map(rows.findingFromRow);
  }

  async upsertFindings(findings: readonly FindingWrite[]) {
    const seen = new Set<string>();
    for (const finding of findings) {
      const key = rows.identityKey(rows.identityOf(finding));
      // PostgreSQL refuses to update one row twice in a statement; SQLite would keep the last. Neither is what a caller means.
      if (seen.has(key)) throw new StoreError('DUPLICATE_FINDING_IDENTITY', `finding ${finding.finding.vulnerabilityId} of ${finding.finding.package.name} on ${finding.resourceId} is in the batch twice`);
      seen.add(key);
    }
    const values = findings.map(rows.findingToRow);
    return this.atomically(async (tx) => {
      const stored = [];
      for (const chunk of chunks(values)) {
        const written = await tx.db
          .insertInto('findings')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns([...findingIdentityColumns]).doUpdateSet((eb) => Object.fromEntries(findingMutableColumns.map((column) => [column, eb.ref(`excluded.${column}`)]))),
          )
          .returningAll()
          .execute();
        stored.push(...written.map(rows.findingFromRow));
      }
      return stored;
    });
  }

  async closeFindings(ids: readonly FindingId[], at: Timestamp) {
    const closedAt = rows.toTimestamp(at);
    return this.atomically(async (tx) => {
      const closed = [];
      for (const chunk of chunks(ids)) {
        const written = await tx.db
          .updateTable('findings')
          .set({ status: 'CLOSED', closed_at: closedAt, updated_at: closedAt })
          .where('id', 'in', chunk)
          .where('status', '!=', 'CLOSED')
          .returningAll()
          .execute();
        closed.push(...written.map(rows.findingFromRow));
      }
      return closed.sort((a, b) => (a.id < b.id ? -1 : 1));
    });
  }

  // Filters.

  async createFilter(input: NewFilter) {
    await this.requireAccount(input.accountId);
    const at = now();
    const row = {
      id: newId('FilterId'),
      account_id: input.accountId,
      region: input.region,
      name: input.name,
      criteria: JSON.stringify(input.criteria),
      action: input.action,
      reason: input.reason ?? null,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('filters').values(row).execute();
    return rows.filterFromRow(row);
  }

  async getFilter(accountId: AccountId, id: FilterId) {
    const row = await this.db.selectFrom('filters').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && rows.filterFromRow(row);
  }

  async listFilters(accountId: AccountId, options: { action?: FilterAction } = {}) {
    const found = await this.db
      .selectFrom('filters')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(options.action !== undefined, (qb) => qb.where('action', '=', options.action!))
      .orderBy('id')
      .execute();
    return found.map(rows.filterFromRow);
  }

  async updateFilter(accountId: AccountId, id: FilterId, changes: FilterChanges) {
    const row = await this.db
      .updateTable('filters')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.criteria !== undefined ? { criteria: JSON.stringify(changes.criteria) } : {}),
        ...(changes.action !== undefined ? { action: changes.action } : {}),
        ...(changes.reason !== undefined ? { reason: changes.reason } : {}),
        updated_at: now(),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && rows.filterFromRow(row);
  }

  async deleteFilter(accountId: AccountId, id: FilterId) {
    const result = await this.db.deleteFrom('filters').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  // The outbox.

  async appendEvents(events: readonly NewEvent[]) {
    if (events.length === 0) return [];
    return this.atomically(async (tx) => {
      // A sequence hands out numbers at insert, not at commit: two PostgreSQL transactions could
      // commit 8 before 7, and a reader past 8 would never see 7. Appends wait for one another
      // until commit, so numbers are committed in order. SQLite writes one transaction at a time.
      if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(OUTBOX_LOCK)})`.execute(tx.db);
      const createdAt = now();
      const stored = [];
      for (const chunk of chunks(events)) {
        const written = await tx.db
          .insertInto('events')
          .values(chunk.map((e) => ({ account_id: e.accountId, type: e.type, subject_id: e.subjectId, payload: JSON.stringify(e.payload ?? null), created_at: createdAt })))
          .returningAll()
          .execute();
        stored.push(...written.map(rows.eventFromRow));
      }
      return stored.sort((a, b) => a.seq - b.seq);
    });
  }

  async eventsAfter(after: number, limit: number, options: { accountId?: AccountId } = {}) {
    const found = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', after)
      .$if(options.accountId !== undefined, (qb) => qb.where('account_id', '=', options.accountId!))
      .orderBy('seq')
      .limit(Math.min(Math.max(limit, 1), 1000))
      .execute();
    return found.map(rows.eventFromRow);
  }
}
