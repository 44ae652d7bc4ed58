/** @module Resources, their latest inventories, and the package index over them. */
import type { Inventory } from '../../model/inventory.js';
import { normalizePackageName } from '../../model/ecosystem.js';
import type { PackageLookupKey } from '../../match/lookup-keys.js';
import { PreparedInventory, type IndexEntry } from '../inventory-index.js';
import { StoreError } from '../errors.js';
import { newId, type AccountId, type ResourceId } from '../ids.js';
import type { NewResource, Resource, ResourceType, Timestamp } from '../records.js';
import * as rows from '../rows.js';
import type { Page, PutInventoryResult, Store } from '../store.js';
import { chunks, now, requireAccount, type QueryContext } from './context.js';

/** The undeleted resource row, locked against other transactions on PostgreSQL until this one ends. */
export async function lockedResourceRow(ctx: QueryContext, resourceId: ResourceId) {
  return ctx.db
    .selectFrom('resources')
    .selectAll()
    .where('id', '=', resourceId)
    .where('deleted_at', 'is', null)
    // SQLite has no row locks and needs none: its one connection runs one transaction at a time.
    .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

/**
 * Brings the resource's index rows to `entries` (keys with their packages), touching only what
 * changed: rows of keys gone or whose packages changed are deleted, then the new ones inserted.
 */
async function reindex(ctx: QueryContext, resource: { id: string; account_id: string; region: string }, entries: readonly IndexEntry[]): Promise<void> {
  const keyOf = (ecosystem: string, name: string) => `${ecosystem}\u0000${name}`;
  const wanted = new Map(entries.map((e) => [keyOf(e.key.ecosystem, e.key.name), e]));
  const held = await ctx.db.selectFrom('inventory_index').select(['ecosystem', 'package_name', 'packages']).where('resource_id', '=', resource.id).execute();
  const gone = held.filter((h) => {
    const key = keyOf(h.ecosystem, h.package_name);
    const entry = wanted.get(key);
    if (entry && entry.packages === h.packages && h.packages !== null) {
      wanted.delete(key);
      return false;
    }
    return true;
  });
  for (const chunk of chunks(gone)) {
    await ctx.db
      .deleteFrom('inventory_index')
      .where('resource_id', '=', resource.id)
      .where(({ eb, refTuple, tuple }) => eb(refTuple('ecosystem', 'package_name'), 'in', chunk.map((g) => tuple(g.ecosystem, g.package_name))))
      .execute();
  }
  for (const chunk of chunks([...wanted.values()])) {
    await ctx.db
      .insertInto('inventory_index')
      .values(chunk.map((e) => ({ resource_id: resource.id, account_id: resource.account_id, region: resource.region, ecosystem: e.key.ecosystem, package_name: e.key.name, packages: e.packages })))
      .execute();
  }
}

export function resourceQueries(ctx: QueryContext) {
  return {
    async createResource(input: NewResource) {
      await requireAccount(ctx, input.accountId);
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
        coverage_reason: null,
        ...rows.resourceDetailColumns(input),
      };
      const tags = Object.entries(input.tags ?? {}).map(([key, value]) => ({ resource_id: row.id, key, value }));
      await ctx.atomically(async (tx) => {
        await tx.db.insertInto('resources').values(row).execute();
        for (const chunk of chunks(tags)) await tx.db.insertInto('resource_tags').values(chunk).execute();
      });
      return rows.resourceFromRow(row);
    },

    async getResource(accountId: AccountId, id: ResourceId, options: { includeDeleted?: boolean } = {}) {
      const row = await ctx.db
        .selectFrom('resources')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .$if(!options.includeDeleted, (qb) => qb.where('deleted_at', 'is', null))
        .executeTakeFirst();
      return row && rows.resourceFromRow(row);
    },

    async listResources(accountId: AccountId, options: { type?: ResourceType; region?: string; limit?: number; after?: string } = {}): Promise<Page<Resource>> {
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
      const found = await ctx.db
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
    },

    async deleteResource(accountId: AccountId, id: ResourceId) {
      return ctx.atomically(async (tx) => {
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
    },

    async setCoverageReason(resourceId: ResourceId, reason: string) {
      await ctx.db.updateTable('resources').set({ coverage_reason: reason }).where('id', '=', resourceId).execute();
    },

    async resourcesGoingStale(takenBefore: Timestamp, options: { notReasons: readonly string[]; limit: number; after?: string }) {
      const found = await ctx.db
        .selectFrom('resources')
        .select(['id', 'account_id', 'region', 'type'])
        .where('deleted_at', 'is', null)
        .where('inventory_timestamp', '<', rows.toTimestamp(takenBefore))
        .where((eb) => eb.or([eb('coverage_reason', 'is', null), eb('coverage_reason', 'not in', [...options.notReasons])]))
        .$if(options.after !== undefined, (qb) => qb.where('id', '>', options.after!))
        .orderBy('id')
        .limit(options.limit)
        .execute();
      return found.map((row) => ({ id: row.id as ResourceId, accountId: row.account_id as AccountId, region: row.region, type: row.type }));
    },

    async lockResource(resourceId: ResourceId) {
      const row = await lockedResourceRow(ctx, resourceId);
      return row && rows.resourceFromRow(row);
    },

    async putInventory(resourceId: ResourceId, given: Inventory | PreparedInventory, timestamp: Timestamp): Promise<PutInventoryResult> {
      const taken = rows.toTimestamp(timestamp);
      const { inventory, json, index } = given instanceof PreparedInventory ? given : new PreparedInventory(given);
      return ctx.atomically(async (tx) => {
        const resource = await lockedResourceRow(tx, resourceId);
        if (!resource) throw new StoreError('RESOURCE_NOT_FOUND', `resource ${resourceId} does not exist or was deleted`);
        const previous = resource.inventory_timestamp;
        if (previous !== null && previous > taken) return { stored: false, reason: 'STALE', storedTimestamp: previous };
        const storedAt = now();
        const distro = JSON.stringify(inventory.distro ?? null);
        const row = { resource_id: resourceId, account_id: resource.account_id, region: resource.region, inventory: json, inventory_timestamp: taken, stored_at: storedAt, distro };
        await tx.db
          .insertInto('inventories')
          .values(row)
          .onConflict((oc) => oc.column('resource_id').doUpdateSet({ inventory: row.inventory, inventory_timestamp: taken, stored_at: storedAt, distro }))
          .execute();
        await tx.db.updateTable('resources').set({ inventory_timestamp: taken, last_scanned_at: storedAt }).where('id', '=', resourceId).execute();
        await reindex(tx, resource, index);
        return { stored: true, previousTimestamp: previous };
      });
    },

    /** Brings the resource's index rows to `keys`, touching only what changed. */
    async getInventory(resourceId: ResourceId) {
      const row = await ctx.db.selectFrom('inventories').select(['inventory', 'inventory_timestamp']).where('resource_id', '=', resourceId).executeTakeFirst();
      return row && { inventory: JSON.parse(row.inventory) as Inventory, timestamp: row.inventory_timestamp };
    },

    async markScanned(resourceId: ResourceId, at: Timestamp) {
      await ctx.db.updateTable('resources').set({ last_scanned_at: rows.toTimestamp(at) }).where('id', '=', resourceId).execute();
    },

    async resourcesHolding(keys: readonly PackageLookupKey[]) {
      const normalised = keys.map((k) => ({ ecosystem: k.ecosystem, name: normalizePackageName(k.ecosystem, k.name) }));
      const found = new Map<string, { id: ResourceId; accountId: AccountId; region: string; type: ResourceType }>();
      for (const chunk of chunks(normalised)) {
        const hits = await ctx.db
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
    },
  } satisfies Partial<Store>;
}
