/** @module Scans run as jobs: queued, started (once per delivery), finished with a result or an error. */
import { newId, type AccountId, type ScanId } from '../ids.js';
import type { NewScan, ScanOutcome, Timestamp } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { now, requireAccount, type QueryContext } from './context.js';

export function scanQueries(ctx: QueryContext) {
  return {
    async createScan(input: NewScan) {
      await requireAccount(ctx, input.accountId);
      const row = {
        id: newId('ScanId'),
        account_id: input.accountId,
        region: input.region,
        resource_id: input.resourceId,
        target: input.target,
        status: 'QUEUED' as const,
        attempts: 0,
        result: null,
        error: null,
        created_at: now(),
        started_at: null,
        finished_at: null,
      };
      await ctx.db.insertInto('scans').values(row).execute();
      return rows.scanFromRow(row);
    },

    async getScan(accountId: AccountId, id: ScanId) {
      const row = await ctx.db.selectFrom('scans').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return row && rows.scanFromRow(row);
    },

    async startScan(id: ScanId, at: Timestamp) {
      // Only an unfinished scan starts: a job delivered again after it finished does nothing.
      const row = await ctx.db
        .updateTable('scans')
        .set((eb) => ({ status: 'RUNNING', started_at: at, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('status', 'in', ['QUEUED', 'RUNNING'])
        .returningAll()
        .executeTakeFirst();
      return row && rows.scanFromRow(row);
    },

    async finishScan(id: ScanId, outcome: ScanOutcome, at: Timestamp) {
      const row = await ctx.db
        .updateTable('scans')
        .set(
          outcome.status === 'SUCCEEDED'
            ? { status: 'SUCCEEDED', result: JSON.stringify(outcome.result), error: null, finished_at: at }
            : { status: 'FAILED', result: null, error: outcome.error, finished_at: at },
        )
        .where('id', '=', id)
        .where('status', 'in', ['QUEUED', 'RUNNING'])
        .returningAll()
        .executeTakeFirst();
      return row && rows.scanFromRow(row);
    },

    async listUnfinishedScans() {
      const found = await ctx.db.selectFrom('scans').selectAll().where('status', 'in', ['QUEUED', 'RUNNING']).orderBy('id').execute();
      return found.map(rows.scanFromRow);
    },
  } satisfies Partial<Store>;
}
