/** @module Saved filters and suppression rules. */
import { newId, type AccountId, type FilterId } from '../ids.js';
import type { FilterAction, FilterChanges, NewFilter } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { now, requireAccount, type QueryContext } from './context.js';

export function filterQueries(ctx: QueryContext) {
  return {
    async createFilter(input: NewFilter) {
      await requireAccount(ctx, input.accountId);
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
      await ctx.db.insertInto('filters').values(row).execute();
      return rows.filterFromRow(row);
    },

    async getFilter(accountId: AccountId, id: FilterId) {
      const row = await ctx.db.selectFrom('filters').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return row && rows.filterFromRow(row);
    },

    async listFilters(accountId: AccountId, options: { action?: FilterAction } = {}) {
      const found = await ctx.db
        .selectFrom('filters')
        .selectAll()
        .where('account_id', '=', accountId)
        .$if(options.action !== undefined, (qb) => qb.where('action', '=', options.action!))
        .orderBy('id')
        .execute();
      return found.map(rows.filterFromRow);
    },

    async updateFilter(accountId: AccountId, id: FilterId, changes: FilterChanges) {
      const row = await ctx.db
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
    },

    async deleteFilter(accountId: AccountId, id: FilterId) {
      const result = await ctx.db.deleteFrom('filters').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  } satisfies Partial<Store>;
}
