/**
 * @module Reads and writes for re-evaluating many resources in one transaction: their locks, the
 * packages the inventory index holds for changed keys, the findings of just those packages, the
 * open findings that share a vulnerability with them (in outline), and one "scanned" stamp for
 * all. Each is one statement per batch (and per few hundred rows), where a loop over the
 * per-resource methods would be one per resource; each reads through an index.
 */
import type { Distro } from '../../model/distro.js';
import { normalizePackageName } from '../../model/ecosystem.js';
import type { PackageLookupKey } from '../../match/lookup-keys.js';
import type { Package } from '../../model/package.js';
import type { FindingId, ResourceId } from '../ids.js';
import type { FindingOutline, FindingPackageRef, HeldPackages } from '../reevaluation.js';
import type { FindingType, Timestamp } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { chunks, type QueryContext } from './context.js';
import { fromFindingHeads } from './findings.js';

/** Every type a stored finding can have. */
const findingTypes: readonly FindingType[] = ['PACKAGE_VULNERABILITY'];

export function reevaluationQueries(ctx: QueryContext) {
  return {
    async lockResources(resourceIds: readonly ResourceId[]) {
      const locked = [];
      // In id order, so two transactions locking overlapping sets never wait on each other in a cycle.
      for (const chunk of chunks([...new Set(resourceIds)].sort())) {
        const found = await ctx.db
          .selectFrom('resources')
          .selectAll()
          .where('id', 'in', chunk)
          .where('deleted_at', 'is', null)
          .orderBy('id')
          // SQLite has no row locks and needs none: its one connection runs one transaction at a time.
          .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate())
          .execute();
        locked.push(...found.map(rows.resourceFromRow));
      }
      return locked;
    },

    async heldPackages(resourceIds: readonly ResourceId[], keys: readonly PackageLookupKey[]): Promise<HeldPackages[]> {
      const normalised = keys.map((k) => ({ ecosystem: k.ecosystem, name: normalizePackageName(k.ecosystem, k.name) }));
      const byResource = new Map<string, { distro: string | null; members: Map<number, Package> | null }>();
      for (const resourceChunk of chunks([...new Set(resourceIds)])) {
        for (const keyChunk of chunks(normalised, 200)) {
          const found = await ctx.db
            .selectFrom('inventory_index')
            .innerJoin('inventories', 'inventories.resource_id', 'inventory_index.resource_id')
            .select(['inventory_index.resource_id', 'inventory_index.packages', 'inventories.distro'])
            .where('inventory_index.resource_id', 'in', resourceChunk)
            .where(({ eb, refTuple, tuple }) =>
              eb(refTuple('inventory_index.ecosystem', 'inventory_index.package_name'), 'in', keyChunk.map((k) => tuple(k.ecosystem, k.name))),
            )
            .execute();
          for (const row of found) {
            let held = byResource.get(row.resource_id);
            if (!held) byResource.set(row.resource_id, (held = { distro: row.distro, members: new Map() }));
            if (row.packages === null || row.distro === null) held.members = null;
            else if (held.members) for (const [position, pkg] of JSON.parse(row.packages) as Array<[number, Package]>) held.members.set(position, pkg);
          }
        }
      }
      return [...byResource].map(([resourceId, { distro, members }]) => {
        const parsed = distro === null ? null : (JSON.parse(distro) as Distro | null);
        return {
          resourceId: resourceId as ResourceId,
          packages: members === null ? null : [...members].sort(([a], [b]) => a - b).map(([, pkg]) => pkg),
          ...(parsed ? { distro: parsed } : {}),
        };
      });
    },

    async findingsOfPackages(refs: readonly FindingPackageRef[]) {
      const found = [];
      for (const chunk of chunks(refs)) {
        const rowsFound = await fromFindingHeads(ctx.db)
          .innerJoin('finding_bodies', 'finding_bodies.finding_id', 'findings.id')
          .select([...rows.findingHeadColumns, 'finding_bodies.finding'])
          .where(({ eb, refTuple, tuple }) =>
            eb(refTuple('findings.resource_id', 'findings.package_name', 'findings.file_path'), 'in', chunk.map((r) => tuple(r.resourceId as string, r.packageName, r.filePath))),
          )
          .execute();
        found.push(...rowsFound.map((row) => rows.findingFromRows(row, row.finding)));
      }
      return [...new Map(found.map((f) => [f.id, f])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async openFindingsWith(refs: readonly { resourceId: ResourceId; vulnerabilityId: string }[]): Promise<FindingOutline[]> {
      // With each resource's account, the finding identity index answers (account, resource, type, vulnerability).
      const accounts = new Map<string, string>();
      for (const chunk of chunks([...new Set(refs.map((r) => r.resourceId))])) {
        for (const row of await ctx.db.selectFrom('resources').select(['id', 'account_id']).where('id', 'in', chunk).execute()) accounts.set(row.id, row.account_id);
      }
      const keyed = refs.flatMap((r) => {
        const accountId = accounts.get(r.resourceId);
        return accountId === undefined ? [] : findingTypes.map((type) => ({ ...r, accountId, type }));
      });
      const outlines = new Map<string, FindingOutline>();
      for (const chunk of chunks(keyed)) {
        const found = await ctx.db
          .selectFrom('findings')
          .select(['id', 'resource_id', 'status', 'vulnerability_id', 'package_name', 'file_path'])
          .where(({ eb, refTuple, tuple }) =>
            eb(refTuple('account_id', 'resource_id', 'type', 'vulnerability_id'), 'in', chunk.map((r) => tuple(r.accountId, r.resourceId as string, r.type, r.vulnerabilityId))),
          )
          .where('status', '!=', 'CLOSED')
          .execute();
        for (const row of found) {
          outlines.set(row.id, {
            id: row.id as FindingId,
            resourceId: row.resource_id as ResourceId,
            status: row.status,
            vulnerabilityId: row.vulnerability_id,
            packageName: row.package_name,
            filePath: row.file_path,
          });
        }
      }
      return [...outlines.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async markResourcesScanned(resourceIds: readonly ResourceId[], at: Timestamp) {
      const when = rows.toTimestamp(at);
      for (const chunk of chunks([...new Set(resourceIds)])) {
        await ctx.db.updateTable('resources').set({ last_scanned_at: when }).where('id', 'in', chunk).execute();
      }
    },
  } satisfies Partial<Store>;
}
