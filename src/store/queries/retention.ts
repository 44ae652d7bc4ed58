/**
 * @module Retention: CLOSED findings past their keeping time are deleted, sooner for a deleted
 * resource's, and deleted resources with no finding left go with them (their inventories, index
 * rows, tags and scans by cascade). The rule is `purgeable`'s (src/findings/reconcile.ts), with
 * the store's reading of the close reason: every CLOSED finding of a deleted resource counts as
 * closed for RESOURCE_DELETED (the store keeps no close reason; a deleted resource's findings are
 * all closed by its deletion, or were closed before it and are no less gone).
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { PurgeResult, RetentionCutoffs } from '../search.js';
import * as rows from '../rows.js';
import type { StoreDatabase } from '../schema.js';
import type { Store } from '../store.js';
import type { QueryContext } from './context.js';

function ofDeletedResource(eb: ExpressionBuilder<StoreDatabase, 'findings'>) {
  return eb.exists(eb.selectFrom('resources').select(sql.lit(1).as('one')).whereRef('resources.id', '=', 'findings.resource_id').where('resources.deleted_at', 'is not', null));
}

export function retentionQueries(ctx: QueryContext) {
  return {
    async purgeFindings(cutoffs: RetentionCutoffs): Promise<PurgeResult> {
      // Inclusive, as `purgeable`: a finding closed exactly the policy's days ago goes.
      const closedBefore = rows.toTimestamp(cutoffs.closedBefore);
      const deletedResourceClosedBefore = rows.toTimestamp(cutoffs.deletedResourceClosedBefore);
      const { accountId } = cutoffs;
      const result = await ctx.atomically(async (tx) => {
        const findings = await tx.db
          .deleteFrom('findings')
          .where('findings.status', '=', 'CLOSED')
          .$if(accountId !== undefined, (qb) => qb.where('findings.account_id', '=', accountId!))
          .where((eb) =>
            eb.or([
              eb.and([eb.not(ofDeletedResource(eb)), eb('findings.closed_at', '<=', closedBefore)]),
              eb.and([ofDeletedResource(eb), eb('findings.closed_at', '<=', deletedResourceClosedBefore)]),
            ]),
          )
          .executeTakeFirst();
        const resources = await tx.db
          .deleteFrom('resources')
          .where('resources.deleted_at', 'is not', null)
          .$if(accountId !== undefined, (qb) => qb.where('resources.account_id', '=', accountId!))
          .where((eb) => eb.not(eb.exists(eb.selectFrom('findings').select(sql.lit(1).as('one')).whereRef('findings.resource_id', '=', 'resources.id'))))
          .executeTakeFirst();
        return { findings: Number(findings.numDeletedRows), resources: Number(resources.numDeletedRows) };
      });
      // SQLite's planner statistics, refreshed where the tables have changed much since (the
      // periodic half of what sqlite.ts does on open; PostgreSQL's autovacuum does this itself).
      if (ctx.dialect === 'sqlite') await sql`pragma optimize`.execute(ctx.db).catch(() => {});
      return result;
    },
  } satisfies Partial<Store>;
}
