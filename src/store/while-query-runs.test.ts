/**
 * whileQueryRuns on the real PostgreSQL: while the work runs, the store's query is on the server.
 * Another connection holds the resource's row lock, so the store's lockResource waits there until
 * the test lets it go; the work asks PostgreSQL (through psql, synchronously) what is waiting.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../../test/harness/postgres.js';
import { asId, type ResourceId, type Store } from './index.js';
import { openPostgresStore } from './postgres.js';
import { whileQueryRuns } from './while-query-runs.js';

const reason = await postgresUnavailable();

describe.skipIf(reason !== undefined)(`whileQueryRuns on PostgreSQL ${reason ?? ''}`, () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase('overlap');
    store = await openPostgresStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /** Store queries of this database waiting for a lock now, by another connection's look. */
  const waitingForLock = () =>
    Number(
      execFileSync('psql', [database.url, '-Atc', `select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%'`], {
        encoding: 'utf8',
      }).trim(),
    );

  // A query started by a call is sent before the call returns (the builder and the driver get to
  // the socket without waiting); one that an async function starts after an await of its own is
  // sent only once the pending microtasks have run.
  it.each([
    ['started at once', (tx: Store, id: ResourceId) => tx.lockResource(id)],
    ['started after an await', async (tx: Store, id: ResourceId) => (await Promise.resolve(), tx.lockResource(id))],
  ])('runs the work while the query (%s) waits on the server, and gives both results', async (_name, start) => {
    const account = await store.createAccount({ name: `overlap-${_name}`, region: 'eu-west-1' });
    const resource = await store.createResource({ accountId: account.id, region: 'eu-west-1', name: 'host', type: 'HOST', details: { platform: 'linux' } });
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    // The holder's commit, sent from inside the work: awaited before its connection ends, or its
    // answer could come after end() and reject as "Connection terminated".
    let committed: Promise<unknown> | undefined;
    try {
      await holder.query('begin');
      await holder.query('select id from resources where id = $1 for update', [resource.id]);
      const [locked, seenWaiting] = await store.transaction(async (tx) =>
        whileQueryRuns(start(tx, resource.id), () => {
          const waiting = waitingForLock();
          // The query can finish only now that the work has looked.
          committed = holder.query('commit');
          return waiting;
        }),
      );
      expect(seenWaiting).toBe(1);
      expect(locked?.id).toBe(resource.id);
    } finally {
      await committed;
      await holder.end();
    }
  });

  it('passes on the work’s failure and the query’s, each as thrown', async () => {
    const account = await store.createAccount({ name: 'failures', region: 'eu-west-1' });
    const workFailure = await store
      .transaction((tx) =>
        whileQueryRuns(tx.listFindingsForResource(asId('ResourceId', 'no-such-resource')), () => {
          throw new Error('work failed');
        }),
      )
      .catch((error: unknown) => error);
    expect(String(workFailure)).toContain('work failed');
    // The same account id twice: the second insert fails on the server while the work runs.
    const queryFailure = await store
      .transaction((tx) => whileQueryRuns(tx.createAccount({ id: account.id, name: 'again', region: 'eu-west-1' }), () => 'worked'))
      .catch((error: unknown) => error);
    expect(queryFailure).toBeInstanceOf(Error);
    expect(String(queryFailure)).not.toContain('worked');
  });
});
