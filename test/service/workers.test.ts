/**
 * Issue 5's proof: "Two `vigil worker` processes and a server on one PostgreSQL: each queued job
 * runs exactly once." Two real `node dist/cli/main.js worker` processes (build first: `npm run
 * build`) work a database of this run's own; a pg-boss queue opened here stands in for the
 * server's sending side (and, like a server, runs pg-boss's maintenance, which notices a dead
 * worker's job by its expiry). A worker is held mid-scan deterministically by a row lock this test
 * takes on the scan's resource: the scan's reconcile waits for it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJobQueue } from '../../src/jobs/index.js';
import type { JobQueue } from '../../src/jobs/types.js';
import { openPostgresStore, type Account, type Resource, type Scan, type Store } from '../../src/store/index.js';
import {
  adminDatabaseUrl,
  createTestDatabase,
  jobTestContext,
  makeAccount,
  makeHost,
  postgresUnreachable,
  TargetFolders,
  waitFor,
  type JobTestContext,
  type LogLine,
} from './workers-harness.js';

const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/cli/commands/worker.js', import.meta.url)));
const notBuilt = built ? undefined : 'dist/ has no worker command: run `npm run build` first';
const unreachable = built ? await postgresUnreachable() : undefined;
const reason = notBuilt ?? (unreachable && `cannot connect to ${adminDatabaseUrl} (${unreachable})`);

/** How long a scan job may stay active before pg-boss takes its worker for dead (sent with each job). */
const SCAN_EXPIRY_SECONDS = 5;

interface WorkerProcess {
  name: string;
  proc: ChildProcessWithoutNullStreams;
  logs: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The ids of the scans this worker finished (its 'scan succeeded' lines). */
  succeeded(): string[];
}

function startWorkerProcess(name: string, url: string, vulndbPath: string, home: string): WorkerProcess {
  const proc = spawn(process.execPath, [bin, 'worker', '--database', url, '--vulndb', vulndbPath, '--poll-interval', '0.5', '--concurrency', '2'], {
    env: { ...process.env, VIGIL_HOME: home, VIGIL_DATABASE_URL: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      stderr.push(`stdout: ${line}`);
    }
  });
  createInterface({ input: proc.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const succeeded = () => logs.filter((l) => l.msg === 'scan succeeded').map((l) => String(l.scanId));
  return { name, proc, logs, stderr, exited, succeeded };
}

if (reason) {
  console.warn(`worker tests skipped: ${reason}`);
  describe('vigil worker', () => it.skip(`skipped: ${reason}`, () => {}));
} else {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let t: JobTestContext;
  let server: JobQueue;
  let account: Account;
  let targets: TargetFolders;
  let home: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore(database.url);
    t = await jobTestContext(store);
    account = await makeAccount(store);
    targets = new TargetFolders();
    home = mkdtempSync(join(tmpdir(), 'vigil-worker-home-'));
    // The server's sending side: its jobs carry a short expiry, and it maintains every second.
    server = await openJobQueue(t.ctx, {
      kind: 'pg-boss',
      url: database.url,
      expireInSeconds: { scan: SCAN_EXPIRY_SECONDS },
      retryDelaySeconds: 0,
      maintenanceIntervalSeconds: 1,
    });
    for (const name of ['worker-a', 'worker-b']) workers.push(startWorkerProcess(name, database.url, t.vulndbPath, home));
    for (const worker of workers) await waitFor(`${worker.name} to be ready (stderr: ${worker.stderr.join(' | ')})`, () => worker.logs.some((l) => l.msg === 'vigil worker ready'));
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await server?.stop();
    await t?.close();
    await store?.close();
    await database?.drop();
    targets?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function queueScan(resource: Resource, target: string): Promise<Scan> {
    const scan = await store.createScan({ accountId: account.id, region: account.region, resourceId: resource.id, target });
    await server.send('scan', { scanId: scan.id });
    return scan;
  }

  async function scanOf(scan: Scan): Promise<Scan> {
    const found = await store.getScan(account.id, scan.id);
    if (!found) throw new Error(`scan ${scan.id} vanished`);
    return found;
  }

  /**
   * Holds the resource's row against a concurrent push (whose FOR UPDATE waits) until released, so
   * its scan's reconcile waits; FOR NO KEY UPDATE still lets rows that reference it be inserted.
   */
  async function holdResource(resource: Resource): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('begin');
    await client.query('select id from resources where id = $1 for no key update', [resource.id]);
    return async () => {
      await client.query('commit');
      await client.end();
    };
  }

  describe('two vigil worker processes on one PostgreSQL', () => {
    it('run each of 40 queued scans exactly once, sharing them', async () => {
      const target = targets.npmApp(100);
      const scans: Scan[] = [];
      for (let i = 0; i < 40; i++) scans.push(await queueScan(await makeHost(store, account, `host-${i}`), target));

      await waitFor('all 40 scans to finish', async () => (await Promise.all(scans.map(scanOf))).every((s) => s.status !== 'QUEUED' && s.status !== 'RUNNING'), 40_000);
      const done = await Promise.all(scans.map(scanOf));
      expect(done.map((s) => [s.status, s.attempts, s.error])).toEqual(scans.map(() => ['SUCCEEDED', 1, null]));
      expect(done.map((s) => s.result)).toEqual(scans.map(() => ({ packages: 101, warnings: 0, created: 1, updated: 0, closed: 0, reopened: 0, unchanged: 0 })));

      // Each scan was run by one worker, and both workers ran some.
      const [a, b] = workers.map((w) => w.succeeded()) as [string[], string[]];
      expect([...a, ...b].sort()).toEqual(scans.map((s) => s.id as string).sort());
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      const started = workers.flatMap((w) => w.logs.filter((l) => l.msg === 'scan started'));
      expect(started).toHaveLength(40);
    });

    it("retry a scan whose worker was killed mid-job: the other worker finishes it, on its second attempt", async () => {
      const resource = await makeHost(store, account, 'killed-mid-scan');
      const release = await holdResource(resource);
      let released = false;
      try {
        const scan = await queueScan(resource, targets.npmApp(5));
        let victim: WorkerProcess | undefined;
        await waitFor('a worker to start the scan', () => {
          victim = workers.find((w) => w.logs.some((l) => l.msg === 'scan started' && l.scanId === scan.id));
          return victim !== undefined;
        });
        if (!victim) throw new Error('unreachable');
        // It is inside the scan now, waiting for the resource's lock.
        expect(await scanOf(scan)).toMatchObject({ status: 'RUNNING', attempts: 1 });
        victim.proc.kill('SIGKILL');
        expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
        await release();
        released = true;

        const survivor = workers.find((w) => w !== victim);
        if (!survivor) throw new Error('unreachable');
        await waitFor('the scan to be retried and finish', async () => (await scanOf(scan)).status === 'SUCCEEDED', SCAN_EXPIRY_SECONDS * 1000 + 15_000);
        expect(await scanOf(scan)).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { packages: 6, created: 1 } });
        expect(survivor.succeeded()).toContain(scan.id);
        expect(victim.succeeded()).not.toContain(scan.id);
        expect(survivor.logs.find((l) => l.msg === 'scan started' && l.scanId === scan.id)).toMatchObject({ attempt: 2 });
      } finally {
        if (!released) await release();
      }
    });

    it('stop on SIGTERM after finishing the scan they are running, and exit 0', async () => {
      const survivor = workers.find((w) => w.proc.exitCode === null && w.proc.signalCode === null);
      if (!survivor) throw new Error('no worker left running');
      const resource = await makeHost(store, account, 'stopping');
      const release = await holdResource(resource);
      const scan = await queueScan(resource, targets.npmApp(1));
      try {
        await waitFor('the worker to start the scan', () => survivor.logs.some((l) => l.msg === 'scan started' && l.scanId === scan.id));
        survivor.proc.kill('SIGTERM');
        await waitFor('the worker to begin stopping', () => survivor.logs.some((l) => l.msg === 'stopping: finishing running jobs'));
      } finally {
        await release();
      }
      expect(await survivor.exited).toEqual({ code: 0, signal: null });
      const order = survivor.logs.map((l) => l.msg).filter((m) => ['stopping: finishing running jobs', 'scan succeeded', 'vigil worker stopped'].includes(m));
      expect(order.slice(-3)).toEqual(['stopping: finishing running jobs', 'scan succeeded', 'vigil worker stopped']);
      expect(await scanOf(scan)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      expect(survivor.stderr).toEqual([]);
    });
  });

}

(notBuilt ? describe.skip : describe)('vigil worker without PostgreSQL', () => {
  it.each([[[]], [['--database', '/tmp/state.sqlite']]])('says workers need PostgreSQL and exits 2 (%j)', async (args) => {
    const worker = spawn(process.execPath, [bin, 'worker', ...args], { env: { ...process.env, VIGIL_DATABASE_URL: '' } });
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => worker.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: workers need PostgreSQL: give --database postgres:\/\/…/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
