/**
 * @module CPU work done while a store query is under way. On PostgreSQL the database answers on
 * another core meanwhile, so the caller waits for the longer of the two instead of their sum: a
 * push reads its stored findings while it matches the inventory, and moves lastObservedAt while
 * it fingerprints the scan's findings. On SQLite the query has already run by then (its driver
 * is synchronous), and the two simply run one after the other.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs `work` once `query` (already started, not yet awaited) has been sent, and gives both
 * results. A query is sent only after its promise chain (the query builder's, then the driver's)
 * has run: one turn of the event loop lets it run before the work takes the thread.
 */
export async function whileQueryRuns<Q, W>(query: Promise<Q>, work: () => W): Promise<[Q, W]> {
  // A query that fails while the work runs is awaited below; until then it must not count as unhandled.
  query.catch(() => undefined);
  await nextTurn();
  let done: W;
  try {
    done = work();
  } catch (error) {
    // The transaction is rolled back by the caller: not while this query is still on its connection.
    await query.catch(() => undefined);
    throw error;
  }
  return [await query, done];
}
