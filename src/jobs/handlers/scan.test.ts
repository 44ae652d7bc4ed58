import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobTestContext, makeAccount, makeHost, TargetFolders, type JobTestContext } from '../../../test/service/workers-harness.js';
import { openSqliteStore, type Account, type Scan, type Store } from '../../store/index.js';
import { VulnDbReader } from '../../vulndb/reader.js';
import { InProcessJobQueue } from '../in-process.js';
import { scanJob } from './scan.js';

let store: Store;
let t: JobTestContext;
let account: Account;
let targets: TargetFolders;
let queue: InProcessJobQueue;

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  t = await jobTestContext(store);
  account = await makeAccount(store);
  targets = new TargetFolders();
  queue = new InProcessJobQueue(t.ctx, { retryDelayMs: 1 });
  await queue.start();
  await queue.work('scan', scanJob);
});
afterEach(async () => {
  await queue.stop();
  await t.close();
  await store.close();
  targets.dispose();
});

async function runScan(target: string, resourceName = 'web-1'): Promise<Scan> {
  const resource = (await store.listResources(account.id, { limit: 100 })).items.find((r) => r.name === resourceName) ?? (await makeHost(store, account, resourceName));
  const scan = await store.createScan({ accountId: account.id, region: account.region, resourceId: resource.id, target });
  await queue.send('scan', { scanId: scan.id });
  await queue.idle();
  const done = await store.getScan(account.id, scan.id);
  if (!done) throw new Error('scan vanished');
  return done;
}

describe('the scan job', () => {
  it("takes the target's inventory, reconciles the resource's findings and records the counts", async () => {
    const target = targets.npmApp(3);
    const first = await runScan(target);
    expect(first).toMatchObject({ status: 'SUCCEEDED', attempts: 1, error: null });
    expect(first.result).toEqual({ packages: 4, warnings: 0, created: 1, updated: 0, closed: 0, reopened: 0, unchanged: 0 });
    const findings = await store.listFindingsForResource(first.resourceId);
    expect(findings.map((f) => [f.status, f.packageName])).toEqual([['ACTIVE', 'lodash']]);

    // Scanned again, the same finding is seen again; fixed, it closes.
    expect((await runScan(target)).result).toMatchObject({ created: 0, unchanged: 1 });
    writeFileSync(join(target, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/lodash': { version: '4.17.21' } } }));
    expect((await runScan(target)).result).toMatchObject({ packages: 1, closed: 1 });
    expect(t.logs.filter((line) => line.msg === 'scan succeeded')).toHaveLength(3);
  });

  it.each([
    ['a missing target', (dir: string) => join(dir, 'nothing-here'), /nothing-here/],
    ['a corrupt archive', (dir: string) => (writeFileSync(join(dir, 'broken.zip'), 'PK\u0003\u0004 not really'), `zip:${join(dir, 'broken.zip')}`), /broken\.zip/],
  ])('records %s as a FAILED scan with the reason, without retrying the job', async (_what, makeTarget, message) => {
    const scan = await runScan(makeTarget(targets.root));
    expect(scan).toMatchObject({ status: 'FAILED', attempts: 1, result: null });
    expect(scan.error).toMatch(message);
    expect(scan.error).not.toContain('\n');
    expect(t.logs.filter((line) => line.msg.startsWith('job failed'))).toEqual([]);
  });

  it('fails the scan of a resource deleted meanwhile', async () => {
    const host = await makeHost(store, account, 'gone');
    const scan = await store.createScan({ accountId: account.id, region: account.region, resourceId: host.id, target: targets.npmApp() });
    await store.deleteResource(account.id, host.id);
    await queue.send('scan', { scanId: scan.id });
    await queue.idle();
    expect(await store.getScan(account.id, scan.id)).toMatchObject({ status: 'FAILED', error: 'the resource was deleted before its scan finished' });
  });

  it('does nothing when the job is delivered again after the scan finished', async () => {
    const scan = await runScan(targets.npmApp());
    await queue.send('scan', { scanId: scan.id });
    await queue.idle();
    expect(await store.getScan(account.id, scan.id)).toEqual(scan);
    expect(t.logs.some((line) => line.msg === 'scan already finished; nothing to do')).toBe(true);
  });

  it('retries an unexpected error, and records it as FAILED when no retry is left', async () => {
    // A real database reader, closed under the job: every query throws (not a VigilError).
    const reader = VulnDbReader.open(t.vulndbPath);
    reader.close();
    const broken = await jobTestContext(store, { vulndb: (handle) => ({ path: handle.path, current: () => reader, onSwap: (l) => handle.onSwap(l), close: () => handle.close() }) });
    const brokenQueue = new InProcessJobQueue(broken.ctx, { retryDelayMs: 1 });
    await brokenQueue.start();
    await brokenQueue.work('scan', scanJob);
    const host = await makeHost(store, account, 'unlucky');
    const scan = await store.createScan({ accountId: account.id, region: account.region, resourceId: host.id, target: targets.npmApp() });
    await brokenQueue.send('scan', { scanId: scan.id }, { retryLimit: 1 });
    await brokenQueue.idle();
    await brokenQueue.stop();
    await broken.close();
    const failed = await store.getScan(account.id, scan.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(failed?.error).toMatch(/^internal error: .*not open/);
    expect(broken.logs.filter((line) => line.msg.startsWith('job failed')).map((line) => line.level)).toEqual([40, 50]);
    // Nothing half-applied: the reconcile transaction rolled back.
    expect(await store.listFindingsForResource(host.id)).toEqual([]);
  });
});
