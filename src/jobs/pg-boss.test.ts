/**
 * The pg-boss queue on the real PostgreSQL, in a database of this run's own, dropped at the end.
 * Two queues opened on one database stand in for two processes. Skipped, saying why, only when no
 * server answers at all.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, jobTestContext, postgresUnreachable, waitFor, adminDatabaseUrl, type JobTestContext } from '../../test/service/workers-harness.js';
import { openPostgresStore, type Store } from '../store/index.js';
import { openJobQueue } from './index.js';
import { DEFAULT_JOB_SCHEMA, type PgBossQueueOptions } from './pg-boss.js';
import type { JobDelivery, JobQueue } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reason = await postgresUnreachable();

if (reason) {
  console.warn(`pg-boss queue tests skipped: cannot connect to ${adminDatabaseUrl} (${reason}).`);
  describe('PgBossJobQueue', () => it.skip(`skipped: cannot connect to ${adminDatabaseUrl} (${reason})`, () => {}));
} else {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let t: JobTestContext;
  let queues: JobQueue[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore(database.url);
    t = await jobTestContext(store);
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    // Each test starts from an empty queue.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`drop schema if exists ${DEFAULT_JOB_SCHEMA} cascade`);
    await client.end();
  });
  afterEach(async () => {
    await Promise.all(queues.map((q) => q.stop()));
    queues = [];
  });

  const open = async (options: Partial<PgBossQueueOptions> = {}) => {
    const queue = await openJobQueue(t.ctx, { kind: 'pg-boss', url: database.url, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, retryDelaySeconds: 0, ...options });
    queues.push(queue);
    return queue;
  };

  describe('PgBossJobQueue', () => {
    it('creates its schema and queues on start, in the store database beside the store', async () => {
      await open();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ name: string; policy: string }>(`select name, policy from ${DEFAULT_JOB_SCHEMA}.queue order by name`);
      await client.end();
      expect(rows).toEqual([
        { name: 'reevaluate', policy: 'short' },
        { name: 'retention', policy: 'short' },
        { name: 'scan', policy: 'standard' },
        { name: 'suppression', policy: 'short' },
      ]);
    });

    it('runs each job once across two processes sharing the database', async () => {
      const sender = await open();
      const runs: Array<{ worker: string; scanId: string; attempt: number }> = [];
      for (const worker of ['a', 'b']) {
        const queue = await open({ concurrency: 2 });
        await queue.work('scan', async ({ scanId }, _ctx, job) => {
          runs.push({ worker, scanId, attempt: job.attempt });
          // Long enough that one worker alone (two at a time) needs 1.5 s, three of the other's
          // 0.5 s polls: the assertion that both take part does not rest on who polls first.
          await sleep(100);
        });
      }
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => sender.send('scan', { scanId: `s${i}` })));
      expect(new Set(ids).size).toBe(30);
      await sender.idle();
      expect(runs.map((r) => r.scanId).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `s${i}`).sort());
      expect(runs.every((r) => r.attempt === 1)).toBe(true);
      expect(new Set(runs.map((r) => r.worker))).toEqual(new Set(['a', 'b']));
    });

    it('retries a failing job up to its retry limit, telling the handler which attempt it is', async () => {
      const queue = await open();
      const deliveries: JobDelivery<'suppression'>[] = [];
      await queue.work('suppression', async (_payload, _ctx, job) => {
        deliveries.push(job);
        throw new Error('deadlock detected');
      });
      const id = await queue.send('suppression', { accountId: 'a' }, { singletonKey: 'a', retryLimit: 2 });
      await queue.idle();
      expect(deliveries.map((d) => [d.id, d.attempt, d.lastAttempt])).toEqual([
        [id, 1, false],
        [id, 2, false],
        [id, 3, true],
      ]);
      expect(t.logs.filter((l) => l.msg.startsWith('job failed') && (l.job as { id: string }).id === id).map((l) => l.msg)).toEqual([
        'job failed, retrying: deadlock detected',
        'job failed, retrying: deadlock detected',
        'job failed, no retry left: deadlock detected',
      ]);
    });

    it('keeps one waiting job per singleton key, and every scan', async () => {
      const queue = await open();
      expect(await queue.send('reevaluate', { reason: 'one' }, { singletonKey: 'reevaluate' })).not.toBeNull();
      expect(await queue.send('reevaluate', { reason: 'two' }, { singletonKey: 'reevaluate' })).toBeNull();
      expect(await queue.send('retention', {})).not.toBeNull();
      expect(await queue.send('retention', {})).toBeNull();
      expect(await queue.send('suppression', { accountId: 'a' }, { singletonKey: 'suppression:a' })).not.toBeNull();
      expect(await queue.send('suppression', { accountId: 'b' }, { singletonKey: 'suppression:b' })).not.toBeNull();
      expect(await queue.send('scan', { scanId: 'x' }, { singletonKey: 'k' })).not.toBeNull();
      expect(await queue.send('scan', { scanId: 'y' }, { singletonKey: 'k' })).not.toBeNull();
      const reasons: string[] = [];
      await queue.work('reevaluate', async ({ reason }) => void reasons.push(reason));
      await waitFor('the re-evaluation', () => reasons.length === 1);
      // Once it has run, another may wait.
      expect(await queue.send('reevaluate', { reason: 'three' }, { singletonKey: 'reevaluate' })).not.toBeNull();
      await waitFor('the second re-evaluation', () => reasons.length === 2);
      expect(reasons).toEqual(['one', 'three']);
    });

    it('stop() waits for the running job, which completes', async () => {
      const queue = await open({ concurrency: 1 });
      const events: string[] = [];
      await queue.work('retention', async () => {
        events.push('start');
        await sleep(700);
        events.push('end');
      });
      const id = await queue.send('retention', {});
      await waitFor('the job to start', () => events.length === 1);
      await queue.stop();
      events.push('stopped');
      expect(events).toEqual(['start', 'end', 'stopped']);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ state: string }>(`select state from ${DEFAULT_JOB_SCHEMA}.job where id = $1`, [id]);
      await client.end();
      expect(rows).toEqual([{ state: 'completed' }]);
      await expect(queue.send('retention', {})).rejects.toThrow(/stopped/);
    });
  });
}
