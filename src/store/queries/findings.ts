/**
 * @module Findings: one row per identity, written and closed in batches. A finding's body lives in
 * finding_bodies, beside its row, and its lastObservedAt in finding_observations: a push moves
 * lastObservedAt of every finding it sees, which then rewrites a narrow row and two index entries
 * rather than the findings row in all its indexes; and a push reads heads without bodies,
 * comparing them by digest.
 */
import { normalizePackageName } from '../../model/ecosystem.js';
import { StoreError } from '../errors.js';
import type { AccountId, FindingId, ResourceId } from '../ids.js';
import type { Finding, FindingIdentity, FindingWrite, ResourceRef, StoredFinding, Timestamp } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { chunks, textList, type QueryContext } from './context.js';

/** Findings joined with their observations: what a head is selected from (rows.findingHeadColumns). */
export function fromFindingHeads(db: QueryContext['db']) {
  return db.selectFrom('findings').innerJoin('finding_observations', 'finding_observations.finding_id', 'findings.id');
}

/** The head columns the findings row holds: what a write returns, its observation being known. */
const findingRowHeadColumns = rows.findingHeadColumns.filter((column): column is Extract<typeof column, `findings.${string}`> => column.startsWith('findings.'));

const findingIdentityColumns = ['account_id', 'resource_id', 'type', 'vulnerability_id', 'package_ecosystem', 'package_name', 'file_path'] as const;
/** Everything an upsert of an existing identity replaces. */
const findingMutableColumns = [
  'id',
  'region',
  'resource_type',
  'status',
  'first_observed_at',
  'updated_at',
  'closed_at',
  'severity',
  'score',
  'epss_score',
  'fix_available',
  'exploit_available',
  'vigil_score',
  'score_adjustments',
  'body_digest',
  'suppressed_by',
  'title',
  'package_raw_name',
  'package_version',
  'package_epoch',
  'package_release',
  'package_arch',
  'layer_digest',
  'severity_rank',
] as const;

/** The bodies of these findings, by id (one statement per few hundred). */
export async function findingBodies(ctx: Pick<QueryContext, 'db'>, ids: readonly FindingId[]): Promise<Map<FindingId, string>> {
  const bodies = new Map<FindingId, string>();
  for (const chunk of chunks([...new Set(ids)])) {
    for (const row of await ctx.db.selectFrom('finding_bodies').select(['finding_id', 'finding']).where('finding_id', 'in', chunk).execute()) {
      bodies.set(row.finding_id as FindingId, row.finding);
    }
  }
  return bodies;
}

/** Rows read with their head columns, whole: each given its body. */
async function withBodies(ctx: Pick<QueryContext, 'db'>, found: readonly rows.FindingHeadRow[]): Promise<StoredFinding[]> {
  const bodies = await findingBodies(ctx, found.map((row) => row.id as FindingId));
  return found.map((row) => {
    const body = bodies.get(row.id as FindingId);
    // The foreign key and the writes below keep one body per finding.
    if (body === undefined) throw new StoreError('STORE_UNAVAILABLE', `finding ${row.id} has no body`);
    return rows.findingFromRows(row, body);
  });
}

export function findingQueries(ctx: QueryContext) {
  return {
    async getFinding(accountId: AccountId, id: FindingId) {
      const row = await fromFindingHeads(ctx.db).select(rows.findingHeadColumns).where('findings.account_id', '=', accountId).where('findings.id', '=', id).executeTakeFirst();
      return row && (await withBodies(ctx, [row]))[0];
    },

    async findFindingByIdentity(identity: FindingIdentity) {
      const row = await fromFindingHeads(ctx.db)
        .select(rows.findingHeadColumns)
        .where('findings.account_id', '=', identity.accountId)
        .where('findings.resource_id', '=', identity.resourceId)
        .where('findings.type', '=', identity.type)
        .where('findings.vulnerability_id', '=', identity.vulnerabilityId)
        .where('findings.package_ecosystem', '=', identity.packageEcosystem)
        .where('findings.package_name', '=', normalizePackageName(identity.packageEcosystem, identity.packageName))
        .where('findings.file_path', '=', identity.filePath)
        .executeTakeFirst();
      return row && (await withBodies(ctx, [row]))[0];
    },

    async listFindingsForResource(resourceId: ResourceId) {
      return withBodies(ctx, await fromFindingHeads(ctx.db).select(rows.findingHeadColumns).where('findings.resource_id', '=', resourceId).orderBy('findings.id').execute());
    },

    async listFindingHeadsForResource(resource: ResourceRef) {
      // A push reads every head of the resource: the columns they share with it are not read 1,500 times.
      const shared = { account_id: resource.accountId, region: resource.region, resource_id: resource.id, resource_type: resource.type };
      const found = await fromFindingHeads(ctx.db).select(rows.findingHeadColumnsOfResource).where('findings.resource_id', '=', resource.id).orderBy('findings.id').execute();
      return found.map((row) => rows.findingHeadFromRow(row, shared));
    },

    async getFindingBodies(ids: readonly FindingId[]) {
      const bodies = new Map<FindingId, Finding>();
      for (const [id, json] of await findingBodies(ctx, ids)) bodies.set(id, JSON.parse(json) as Finding);
      return bodies;
    },

    async upsertFindings(findings: readonly FindingWrite[]) {
      const seen = new Set<string>();
      for (const finding of findings) {
        const key = rows.identityKey(rows.identityOf(finding));
        // PostgreSQL refuses to update one row twice in a statement; SQLite would keep the last. Neither is what a caller means.
        if (seen.has(key)) throw new StoreError('DUPLICATE_FINDING_IDENTITY', `finding ${finding.finding.vulnerabilityId} of ${finding.finding.package.name} on ${finding.resourceId} is in the batch twice`);
        seen.add(key);
      }
      const written = findings.map((write) => ({ write, ...rows.findingToRows(write) }));
      return ctx.atomically(async (tx) => {
        const stored: StoredFinding[] = [];
        for (const chunk of chunks(written)) {
          // An identity written under a new id renames its row; the body's and the observation's
          // rows follow by the foreign keys' ON UPDATE CASCADE, and are then replaced below.
          const heads = await tx.db
            .insertInto('findings')
            .values(chunk.map((w) => w.row))
            .onConflict((oc) =>
              oc.columns([...findingIdentityColumns]).doUpdateSet((eb) => Object.fromEntries(findingMutableColumns.map((column) => [column, eb.ref(`excluded.${column}`)]))),
            )
            .returning(findingRowHeadColumns)
            .execute();
          await tx.db
            .insertInto('finding_bodies')
            .values(chunk.map((w) => w.body))
            .onConflict((oc) => oc.column('finding_id').doUpdateSet((eb) => ({ finding: eb.ref('excluded.finding') })))
            .execute();
          await tx.db
            .insertInto('finding_observations')
            .values(chunk.map((w) => w.observation))
            .onConflict((oc) =>
              oc.column('finding_id').doUpdateSet((eb) => ({
                last_observed_at: eb.ref('excluded.last_observed_at'),
                ...Object.fromEntries(rows.observationCoveredColumns.map((column) => [column, eb.ref(`excluded.${column}`)])),
              })),
            )
            .execute();
          const written = new Map(chunk.map((w) => [w.write.id as string, w]));
          stored.push(
            ...heads.map((row) => {
              const w = written.get(row.id)!;
              return { ...rows.findingHeadFromRow({ ...row, last_observed_at: w.observation.last_observed_at }), finding: w.write.finding };
            }),
          );
        }
        return stored;
      });
    },

    async observeFindings(ids: readonly FindingId[], at: Timestamp) {
      const observedAt = rows.toTimestamp(at);
      if (ids.length === 0) return;
      // One statement (a push sees about 1,500 findings).
      await ctx.db
        .updateTable('finding_observations')
        .set({ last_observed_at: observedAt })
        .where('finding_id', 'in', textList(ctx.dialect, ids))
        .where('status', '!=', 'CLOSED')
        .execute();
    },

    async closeFindings(ids: readonly FindingId[], at: Timestamp) {
      const closedAt = rows.toTimestamp(at);
      return ctx.atomically(async (tx) => {
        const closed = [];
        for (const chunk of chunks(ids)) {
          const written = await tx.db
            .updateTable('findings')
            .set({ status: 'CLOSED', closed_at: closedAt, updated_at: closedAt, suppressed_by: '[]' })
            .where('id', 'in', chunk)
            .where('status', '!=', 'CLOSED')
            .returning(findingRowHeadColumns)
            .execute();
          if (written.length === 0) continue;
          // The copy of the status behind the lastObservedAt sort's index follows.
          const observations = await tx.db
            .updateTable('finding_observations')
            .set({ status: 'CLOSED' })
            .where('finding_id', 'in', written.map((row) => row.id))
            .returning(['finding_id', 'last_observed_at'])
            .execute();
          const observed = new Map(observations.map((row) => [row.finding_id, row.last_observed_at]));
          closed.push(...written.map((row) => rows.findingHeadFromRow({ ...row, last_observed_at: observed.get(row.id)! })));
        }
        return closed.sort((a, b) => (a.id < b.id ? -1 : 1));
      });
    },
  } satisfies Partial<Store>;
}
