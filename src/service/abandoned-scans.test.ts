import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Account, type Resource, type Store } from '../store/index.js';
import { failAbandonedScans } from './abandoned-scans.js';

const HOUR = 60 * 60 * 1000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const log = pino({ level: 'silent' });

let store: Store;
let account: Account;
let resource: Resource;
beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  account = await store.createAccount({ name: 'acme', region: 'eu-west-1' });
  resource = await store.createResource({ type: 'HOST', details: {}, accountId: account.id, region: 'eu-west-1', name: 'web-1' });
});
afterEach(() => store.close());

/** A scan started `starts` times, the last at `startedAt`. */
async function scanStarted(starts: number, startedAt: Date) {
  const scan = await store.createScan({ accountId: account.id, region: 'eu-west-1', resourceId: resource.id, target: '/srv/rootfs' });
  for (let i = 0; i < starts; i++) await store.startScan(scan.id, startedAt.toISOString());
  return scan.id;
}

describe('failAbandonedScans', () => {
  it('records FAILED only the scans running on their last attempt for longer than a job could live', async () => {
    const abandoned = await scanStarted(3, T0);
    const retriedStill = await scanStarted(2, T0); // pg-boss will retry it
    const recent = await scanStarted(3, new Date(T0.getTime() + 90 * 60 * 1000)); // may still be running
    const queued = await scanStarted(0, T0);
    const ctx = { store, log, now: () => new Date(T0.getTime() + 2 * HOUR) };
    expect(await failAbandonedScans(ctx, { lastAttempt: 3, runningLongerThanMs: HOUR })).toBe(1);
    const statuses = Object.fromEntries(await Promise.all(Object.entries({ abandoned, retriedStill, recent, queued }).map(async ([name, id]) => [name, (await store.getScan(account.id, id))!.status])));
    expect(statuses).toEqual({ abandoned: 'FAILED', retriedStill: 'RUNNING', recent: 'RUNNING', queued: 'QUEUED' });
    expect((await store.getScan(account.id, abandoned))!.error).toMatch(/stopped on its last attempt \(3 of 3\)/);
    // Done once: the next run finds nothing.
    expect(await failAbandonedScans(ctx, { lastAttempt: 3, runningLongerThanMs: HOUR })).toBe(0);
  });
});
