/** @module Findings: one row per identity, written and closed in batches. */
import { normalizePackageName } from '../../model/ecosystem.js';
import { StoreError } from '../errors.js';
import type { AccountId, FindingId, ResourceId } from '../ids.js';
import type { FindingIdentity, FindingWrite, Timestamp } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { chunks, type QueryContext } from './context.js';

const findingIdentityColumns = ['account_id', 'resource_id', 'type', 'vulnerability_id', 'package_ecosystem', 'package_name', 'file_path'] as const;
/** Everything an upsert of an existing identity replaces. */
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
  'title',
  'package_raw_name',
  'package_version',
  'package_epoch',
  'package_release',
  'package_arch',
  'layer_digest',
  'severity_rank',
] as const;

export function findingQueries(ctx: QueryContext) {
  return {
    async getFinding(accountId: AccountId, id: FindingId) {
      const row = await ctx.db.selectFrom('findings').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return row && rows.findingFromRow(row);
    },

    async findFindingByIdentity(identity: FindingIdentity) {
      const row = await ctx.db
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
    },

    async listFindingsForResource(resourceId: ResourceId) {
      return (await ctx.db.selectFrom('findings').selectAll().where('resource_id', '=', resourceId).orderBy('id').execute()).map(rows.findingFromRow);
    },

    async upsertFindings(findings: readonly FindingWrite[]) {
      const seen = new Set<string>();
      for (const finding of findings) {
        const key = rows.identityKey(rows.identityOf(finding));
        // PostgreSQL refuses to update one row twice in a statement; SQLite would keep the last. Neither is what a caller means.
        if (seen.has(key)) throw new StoreError('DUPLICATE_FINDING_IDENTITY', `finding ${finding.finding.vulnerabilityId} of ${finding.finding.package.name} on ${finding.resourceId} is in the batch twice`);
        seen.add(key);
      }
      const values = findings.map(rows.findingToRow);
      return ctx.atomically(async (tx) => {
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
    },

    async observeFindings(ids: readonly FindingId[], at: Timestamp) {
      const observedAt = rows.toTimestamp(at);
      await ctx.atomically(async (tx) => {
        for (const chunk of chunks(ids)) {
          await tx.db.updateTable('findings').set({ last_observed_at: observedAt }).where('id', 'in', chunk).where('status', '!=', 'CLOSED').execute();
        }
      });
    },

    async closeFindings(ids: readonly FindingId[], at: Timestamp) {
      const closedAt = rows.toTimestamp(at);
      return ctx.atomically(async (tx) => {
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
    },
  } satisfies Partial<Store>;
}
