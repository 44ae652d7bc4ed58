import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobTestContext, makeAccount, makeHost, TargetFolders, waitFor, type JobTestContext } from '../../test/service/workers-harness.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { startWorking } from './handlers/index.js';
import { InProcessJobQueue } from './in-process.js';
import { openJobQueue } from './index.js';
import type { JobDelivery } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let store: Store;
let t: JobTestContext;
let queue: InProcessJobQueue;

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  t = await jobTestContext(store);
});
afterEach(async () => {
  await queue?.stop();
  await t.close();
  await store.close();
});

describe('InProcessJobQueue', () => {
  it('runs every job, never more at once than its concurrency, and says when it is idle', async () => {
    queue = new InProcessJobQueue(t.ctx, { concurrency: 3 });
    await queue.start();
    let active = 0;
    let most = 0;
    const seen: string[] = [];
    await queue.work('scan', async ({ scanId }) => {
      most = Math.max(most, ++active);
      await sleep(10);
      seen.push(scanId);
      active--;
    });
    for (let i = 0; i < 12; i++) expect(await queue.send('scan', { scanId: `s${i}` })).toMatch(/^[0-9a-f-]{36}$/);
    await queue.idle();
    expect(seen.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}`).sort());
    expect(most).toBe(3);
  });

  it('retries a failing job with a doubling delay, up to its retry limit, and logs instead of throwing', async () => {
    queue = new InProcessJobQueue(t.ctx, { retryDelayMs: 40 });
    await queue.start();
    const deliveries: Array<JobDelivery<'reevaluate'> & { at: number }> = [];
    await queue.work('reevaluate', async (_payload, _ctx, job) => {
      deliveries.push({ ...job, at: Date.now() });
      throw new Error('database is locked');
    });
    const id = await queue.send('reevaluate', { reason: 'test' }, { retryLimit: 2 });
    await queue.idle();
    expect(deliveries.map((d) => [d.id, d.attempt, d.lastAttempt])).toEqual([
      [id, 1, false],
      [id, 2, false],
      [id, 3, true],
    ]);
    const [first, second, third] = deliveries.map((d) => d.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(38);
    expect(third - second).toBeGreaterThanOrEqual(78);
    const failures = t.logs.filter((line) => line.msg.startsWith('job failed'));
    expect(failures.map((line) => [line.level, line.msg])).toEqual([
      [40, 'job failed, retrying: database is locked'],
      [40, 'job failed, retrying: database is locked'],
      [50, 'job failed, no retry left: database is locked'],
    ]);
  });

  it('a job that succeeds on a retry is done; retryLimit 0 means one attempt', async () => {
    queue = new InProcessJobQueue(t.ctx, { retryDelayMs: 1 });
    await queue.start();
    const attempts: Record<string, number> = {};
    await queue.work('suppression', async ({ accountId }, _ctx, job) => {
      attempts[accountId] = job.attempt;
      if (job.attempt < 2) throw new Error('flaky');
    });
    await queue.send('suppression', { accountId: 'a' }, { singletonKey: 'a' });
    await queue.send('suppression', { accountId: 'b' }, { singletonKey: 'b', retryLimit: 0 });
    await queue.idle();
    expect(attempts).toEqual({ a: 2, b: 1 });
  });

  it('keeps one waiting job per singleton key (no key is a key of its own), but not while it runs', async () => {
    queue = new InProcessJobQueue(t.ctx, { concurrency: 1 });
    await queue.start();
    expect(await queue.send('reevaluate', { reason: 'one' }, { singletonKey: 'reevaluate' })).not.toBeNull();
    expect(await queue.send('reevaluate', { reason: 'two' }, { singletonKey: 'reevaluate' })).toBeNull();
    expect(await queue.send('retention', {})).not.toBeNull();
    expect(await queue.send('retention', {})).toBeNull();
    expect(await queue.send('suppression', { accountId: 'a' }, { singletonKey: 'suppression:a' })).not.toBeNull();
    expect(await queue.send('suppression', { accountId: 'b' }, { singletonKey: 'suppression:b' })).not.toBeNull();
    // Scans are each their own job: a key does not merge them.
    expect(await queue.send('scan', { scanId: 'x' }, { singletonKey: 'k' })).not.toBeNull();
    expect(await queue.send('scan', { scanId: 'y' }, { singletonKey: 'k' })).not.toBeNull();

    const reasons: string[] = [];
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    await queue.work('reevaluate', async ({ reason }) => {
      reasons.push(reason);
      if (reason === 'one') await running;
    });
    try {
      await waitFor('the first re-evaluation to start', () => reasons.length === 1);
      // The first one runs: a change now must queue another, which then waits alone.
      expect(await queue.send('reevaluate', { reason: 'three' }, { singletonKey: 'reevaluate' })).not.toBeNull();
      expect(await queue.send('reevaluate', { reason: 'four' }, { singletonKey: 'reevaluate' })).toBeNull();
    } finally {
      release();
    }
    await waitFor('the queued re-evaluation', () => reasons.length === 2);
    expect(reasons).toEqual(['one', 'three']);
  });

  it('hands a handler a copy of the payload as plain JSON', async () => {
    queue = new InProcessJobQueue(t.ctx);
    await queue.start();
    const payload = { reason: 'r' };
    let received: unknown;
    await queue.work('reevaluate', async (p) => void (received = p));
    await queue.send('reevaluate', payload);
    payload.reason = 'changed';
    await queue.idle();
    expect(received).toEqual({ reason: 'r' });
  });

  it('stop() waits for running jobs, starts no other, and refuses new ones', async () => {
    queue = new InProcessJobQueue(t.ctx, { concurrency: 1 });
    await queue.start();
    const events: string[] = [];
    await queue.work('scan', async ({ scanId }) => {
      events.push(`start ${scanId}`);
      await sleep(150);
      events.push(`end ${scanId}`);
    });
    await queue.send('scan', { scanId: 'a' });
    await queue.send('scan', { scanId: 'b' });
    await waitFor('the first job to start', () => events.length === 1);
    await queue.stop();
    events.push('stopped');
    expect(events).toEqual(['start a', 'end a', 'stopped']);
    await expect(queue.send('scan', { scanId: 'c' })).rejects.toThrow(/stopped/);
    await queue.idle();
  });

  it('a job with no handler in this process waits for one, and idle() does not wait for it', async () => {
    queue = new InProcessJobQueue(t.ctx);
    await queue.start();
    await queue.send('retention', {});
    await queue.idle();
    let ran = false;
    await queue.work('retention', async () => void (ran = true));
    await queue.idle();
    expect(ran).toBe(true);
  });
});

describe('restarting on a SQLite file', () => {
  let dir: string;
  let targets: TargetFolders;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-jobs-restart-'));
    targets = new TargetFolders();
  });
  afterEach(() => {
    targets.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues again the scans a previous process left QUEUED or RUNNING, and runs them with the scan handler; gives up one started too often', async () => {
    const path = join(dir, 'vigil.sqlite');
    // The previous process: one scan queued, one started (its process died mid-scan), one finished.
    const before = await openSqliteStore(path);
    const account = await makeAccount(before);
    const scans = [];
    for (const name of ['queued', 'running', 'finished', 'crashed thrice']) {
      const host = await makeHost(before, account, name);
      scans.push(await before.createScan({ accountId: account.id, region: account.region, resourceId: host.id, target: targets.npmApp() }));
    }
    const [queued, running, finished, crashed] = scans as [(typeof scans)[0], (typeof scans)[0], (typeof scans)[0], (typeof scans)[0]];
    await before.startScan(running.id, new Date().toISOString());
    for (let i = 0; i < 3; i++) await before.startScan(crashed.id, new Date().toISOString());
    await before.startScan(finished.id, new Date().toISOString());
    await before.finishScan(finished.id, { status: 'FAILED', error: 'earlier' }, new Date().toISOString());
    await before.close();

    const after = await openSqliteStore(path);
    const ctx = await jobTestContext(after);
    try {
      const jobs = await openJobQueue(ctx.ctx, { kind: 'in-process' });
      await startWorking(jobs, ctx.ctx);
      await jobs.idle();
      await jobs.stop();
      const q = await after.getScan(account.id, queued.id);
      const r = await after.getScan(account.id, running.id);
      const f = await after.getScan(account.id, finished.id);
      expect([q?.status, q?.attempts]).toEqual(['SUCCEEDED', 1]);
      expect([r?.status, r?.attempts]).toEqual(['SUCCEEDED', 2]);
      expect([f?.status, f?.attempts, f?.error]).toEqual(['FAILED', 1, 'earlier']);
      expect(await after.getScan(account.id, crashed.id)).toMatchObject({
        status: 'FAILED',
        attempts: 3,
        error: 'the service stopped while running this scan, 3 times; not tried again',
      });
      expect(q?.result).toMatchObject({ packages: 1, created: 1 });
      expect(ctx.logs.some((line) => line.msg === 'queued again the scans a previous process left unfinished' && line.scans === 2)).toBe(true);
    } finally {
      await ctx.close();
      await after.close();
    }
  });
});
