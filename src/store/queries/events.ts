/** @module The event outbox, read in commit order. */
import { sql } from 'kysely';
import type { AccountId } from '../ids.js';
import type { NewEvent } from '../records.js';
import * as rows from '../rows.js';
import type { Store } from '../store.js';
import { chunks, now, type QueryContext } from './context.js';

/** The PostgreSQL advisory lock that puts outbox appends in commit order (see appendEvents). */
const OUTBOX_LOCK = 0x76696769;

export function eventQueries(ctx: QueryContext) {
  return {
    async appendEvents(events: readonly NewEvent[]) {
      if (events.length === 0) return [];
      return ctx.atomically(async (tx) => {
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
    },

    async eventsAfter(after: number, limit: number, options: { accountId?: AccountId } = {}) {
      const found = await ctx.db
        .selectFrom('events')
        .selectAll()
        .where('seq', '>', after)
        .$if(options.accountId !== undefined, (qb) => qb.where('account_id', '=', options.accountId!))
        .orderBy('seq')
        .limit(Math.min(Math.max(limit, 1), 1000))
        .execute();
      return found.map(rows.eventFromRow);
    },
  } satisfies Partial<Store>;
}
