/**
 * Re-evaluation end to end on real stores (SQLite, and PostgreSQL when a server answers) and real
 * vulnerability database files swapped by rename as `vigil db import` swaps them: inventories
 * pushed, a new database renamed over the file, the handle noticing, and `reevaluate` bringing
 * exactly the resources that hold the changed packages up to date, with their events.
 */
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../../test/harness/postgres.js';
import {
  debian12,
  debPackage,
  importInto,
  inventoryOf,
  npmPackage,
  osv,
  pypiPackage,
  replaceWithFreshDatabase,
  vulnDbFolder,
} from '../../test/harness/vulndb-imports.js';
import { DEFAULT_RETENTION, reconcileFindings } from '../findings/index.js';
import { reevaluateJob } from '../jobs/handlers/reevaluate.js';
import { retentionJob } from '../jobs/handlers/retention.js';
import { InProcessJobQueue } from '../jobs/in-process.js';
import type { Inventory } from '../model/inventory.js';
import { scanInventory } from '../scan/scan-target.js';
import { openPostgresStore, openSqliteStore, type AccountId, type Resource, type ResourceId, type Store, type StoredEvent, type StoredFinding } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { deleteResourceAndCloseFindings } from './delete-resource.js';
import { reconcileInventory } from './reconcile-inventory.js';
import { APPLIED_VULNDB_SETTING, readAppliedVulnDb, reevaluate } from './reevaluate.js';
import { openVulnDbHandle, type FollowedVulnDb } from './vulndb-handle.js';

const log = pino({ level: process.env.VIGIL_TEST_LOG ?? 'silent' });
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

const CVSS_HIGH = 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H';
const CVSS_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** The database every test starts from: lodash, qs and Debian's openssl are vulnerable. */
const FIRST_ADVISORIES = [
  osv('GHSA-lodash', [{ ecosystem: 'npm', name: 'lodash', fixed: '4.17.21' }], { aliases: ['CVE-2021-23337'], cvss: CVSS_HIGH }),
  osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs', fixed: '6.0.0' }], { cvss: CVSS_HIGH }),
  osv('DSA-openssl', [{ ecosystem: 'Debian:12', name: 'openssl', fixed: '3.0.11-1' }], { aliases: ['CVE-2023-5363'] }),
];
/** The advisory a later import adds: express, held by three of the five resources. */
const EXPRESS = osv('GHSA-express', [{ ecosystem: 'npm', name: 'express', fixed: '4.19.2' }], { aliases: ['CVE-2024-29041'], cvss: CVSS_CRITICAL });

interface StoreKind {
  name: string;
  open(): Promise<Store>;
  /** Why the kind is skipped, when it is. */
  skip?: string;
}

const pgReason = await postgresUnavailable();
const pgDatabases: TestDatabase[] = [];

function postgresKind(): StoreKind {
  return {
    name: 'PostgreSQL',
    ...(pgReason ? { skip: pgReason } : {}),
    async open() {
      // A database of its own per test, dropped when the run ends.
      const database = await createTestDatabase('reeval');
      pgDatabases.push(database);
      return openPostgresStore(database.url);
    },
  };
}

afterAll(async () => {
  for (const database of pgDatabases) await database.drop();
});

const kinds: StoreKind[] = [{ name: 'SQLite', open: () => openSqliteStore(':memory:') }, postgresKind()];

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const kind of kinds) {
  describe.skipIf(kind.skip !== undefined)(`reevaluate on ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let folder: ReturnType<typeof vulnDbFolder>;
    let handle: FollowedVulnDb;
    let store: Store;
    let ctx: ServiceContext;
    let clock: number;
    let swaps: number;
    let acme: AccountId;
    let globex: AccountId;
    /** web-1: lodash, express, qs · web-2: express, left-pad · host-1: Debian openssl · img-1: express, Django · empty-1: no inventory. */
    let r: Record<'web1' | 'web2' | 'host1' | 'img1' | 'empty1', Resource>;
    const inventories = new Map<string, Inventory>();

    beforeEach(async () => {
      folder = vulnDbFolder();
      importInto(folder.path, { advisories: FIRST_ADVISORIES });
      handle = await openVulnDbHandle(folder.path, { log, pollIntervalMs: 50, closeGraceMs: 1000 });
      swaps = 0;
      handle.onSwap(() => swaps++);
      store = await kind.open();
      clock = T0;
      ctx = { store, vulndb: handle, log, settings: { retention: DEFAULT_RETENTION, reopenWindowDays: 7, defaultRegion: 'eu-west-1', scanRoots: [] }, now: () => new Date(clock) };
      acme = (await store.createAccount({ name: 'acme', region: 'eu-west-1' })).id;
      globex = (await store.createAccount({ name: 'globex', region: 'us-east-1' })).id;
      const make = (accountId: AccountId, name: string) => store.createResource({ accountId, region: 'eu-west-1', type: 'HOST', name, details: {} });
      r = {
        web1: await make(acme, 'web-1'),
        web2: await make(acme, 'web-2'),
        host1: await make(globex, 'host-1'),
        img1: await store.createResource({ accountId: globex, region: 'eu-west-1', type: 'CONTAINER_IMAGE', name: 'img-1', details: { repository: 'registry.example/img', tags: ['1.0'] } }),
        empty1: await make(globex, 'empty-1'),
      };
      await push(r.web1, [npmPackage('lodash', '4.17.20'), npmPackage('express', '4.18.0'), npmPackage('qs', '5.0.0')]);
      await push(r.web2, [npmPackage('express', '4.18.0'), npmPackage('left-pad', '1.3.0')]);
      await push(r.host1, [debPackage('libssl3', '3.0.9-1', 'openssl'), debPackage('zlib1g', '1.2.13-1', 'zlib')], debian12);
      await push(r.img1, [npmPackage('express', '4.18.0'), pypiPackage('Django', '4.0.0')]);
    });

    afterEach(async () => {
      await handle.close();
      await store.close();
      folder.dispose();
    });

    async function push(resource: Resource, packages: Parameters<typeof inventoryOf>[0], distro?: typeof debian12) {
      const inventory = inventoryOf(packages, { createdAt: new Date(clock).toISOString(), ...(distro ? { distro } : {}) });
      inventories.set(resource.id, inventory);
      const result = await reconcileInventory(store, handle, { accountId: resource.accountId, resourceId: resource.id, inventory, timestamp: new Date(clock).toISOString(), now: new Date(clock) });
      expect(result.status).toBe('applied');
      return result;
    }

    async function findingsOf(resource: Resource): Promise<StoredFinding[]> {
      return store.listFindingsForResource(resource.id);
    }

    async function allEvents(): Promise<StoredEvent[]> {
      return store.eventsAfter(0, 10_000);
    }

    /** Each resource's findings, as "vulnerability package status". */
    async function picture(): Promise<Record<string, string[]>> {
      const out: Record<string, string[]> = {};
      for (const [key, resource] of Object.entries(r)) {
        out[key] = (await findingsOf(resource)).map((f) => `${f.vulnerabilityId} ${f.packageName} ${f.status}`).sort();
      }
      return out;
    }

    /** Renames a new import over the file and waits for the handle to open it. */
    async function swapIn(content: Parameters<typeof importInto>[1], options: { fresh?: boolean } = {}) {
      const before = swaps;
      if (options.fresh) replaceWithFreshDatabase(folder.path, content);
      else importInto(folder.path, content);
      await waitFor(() => swaps > before, 'the handle to open the new database');
    }

    /** The first run after start: nothing recorded, every inventory re-matched, nothing changes. */
    async function settleFirstRun() {
      const first = await reevaluate(ctx, { reader: handle.current() });
      expect(first).toMatchObject({ status: 'applied', scope: 'everything', resources: 4, created: 0, updated: 0, closed: 0, reopened: 0 });
    }

    it('re-evaluates everything once when nothing was applied yet, changing nothing that pushes already got right', async () => {
      const eventsBefore = await allEvents();
      const findingsBefore = await picture();
      clock += DAY;
      await settleFirstRun();
      expect(await allEvents()).toEqual(eventsBefore);
      expect(await picture()).toEqual(findingsBefore);
      expect(await readAppliedVulnDb(store)).toEqual({ ...handle.identity(), vigilVersion: expect.any(String) });
      // Re-evaluated resources count as scanned now; the one without an inventory does not.
      expect((await store.getResource(acme, r.web1.id))?.lastScannedAt).toBe(new Date(clock).toISOString());
      expect((await store.getResource(globex, r.empty1.id))?.lastScannedAt).toBeNull();
      expect(await reevaluate(ctx, { reader: handle.current() })).toMatchObject({ status: 'up-to-date', resources: 0 });
    });

    it('a new advisory reaches exactly the resources that hold its package, with one event per new finding', async () => {
      await settleFirstRun();
      const before = { events: await allEvents(), web1: await findingsOf(r.web1), host1: await findingsOf(r.host1), host1Resource: await store.getResource(globex, r.host1.id) };
      clock += DAY;

      await swapIn({ advisories: [EXPRESS] });
      const result = await reevaluate(ctx, { reader: handle.current() });
      expect(result).toMatchObject({ status: 'applied', scope: 'changes', resources: 3, created: 3, updated: 0, closed: 0, reopened: 0 });

      expect(await picture()).toEqual({
        web1: ['CVE-2021-23337 lodash ACTIVE', 'CVE-2024-29041 express ACTIVE', 'GHSA-qs qs ACTIVE'],
        web2: ['CVE-2024-29041 express ACTIVE'],
        host1: ['CVE-2023-5363 libssl3 ACTIVE'],
        img1: ['CVE-2024-29041 express ACTIVE'],
        empty1: [],
      });
      const created = (await allEvents()).slice(before.events.length);
      expect(created.map((e) => [e.type, (e.payload as { resourceId: string }).resourceId, e.accountId]).sort()).toEqual(
        [
          ['FINDING_CREATED', r.web1.id, acme],
          ['FINDING_CREATED', r.web2.id, acme],
          ['FINDING_CREATED', r.img1.id, globex],
        ].sort(),
      );
      const express = (await findingsOf(r.web2))[0]!;
      expect(express).toMatchObject({
        status: 'ACTIVE',
        firstObservedAt: new Date(clock).toISOString(),
        packageName: 'express',
        finding: { vulnerabilityId: 'CVE-2024-29041', severity: 'CRITICAL', fixAvailable: 'YES', fixedInVersion: '4.19.2', aliases: ['GHSA-express'] },
      });
      expect(created.find((e) => e.subjectId === express.id)?.payload).toMatchObject({ status: 'ACTIVE', vulnerabilityId: 'CVE-2024-29041' });

      // What was there before is untouched: the other findings of web-1 and all of host-1.
      const web1After = await findingsOf(r.web1);
      for (const finding of before.web1) expect(web1After.find((f) => f.id === finding.id)).toEqual(finding);
      expect(await findingsOf(r.host1)).toEqual(before.host1);
      expect(await store.getResource(globex, r.host1.id)).toEqual(before.host1Resource);

      // Each resource's findings are what pushing its inventory again would make of them.
      for (const resource of Object.values(r)) {
        const inventory = inventories.get(resource.id);
        if (!inventory) continue;
        const expected = scanInventory(inventory, handle.current()).findings.map((f) => `${f.vulnerabilityId} ${f.package.name}`).sort();
        expect((await findingsOf(resource)).filter((f) => f.status !== 'CLOSED').map((f) => `${f.vulnerabilityId} ${f.packageName}`).sort()).toEqual(expected);
      }

      // Twice: nothing more.
      const eventsAfter = await allEvents();
      const pictureAfter = await picture();
      clock += DAY;
      expect(await reevaluate(ctx, { reader: handle.current() })).toMatchObject({ status: 'up-to-date', resources: 0 });
      expect(await allEvents()).toEqual(eventsAfter);
      expect(await picture()).toEqual(pictureAfter);
    });

    it('a withdrawn advisory closes its findings; a changed one updates them; the same run forced whole agrees', async () => {
      await settleFirstRun();
      await swapIn({ advisories: [EXPRESS] });
      await reevaluate(ctx, { reader: handle.current() });
      const before = await allEvents();
      clock += DAY;

      // GHSA-qs withdrawn; lodash's advisory loses its fix (fixAvailable YES → NO).
      await swapIn({
        advisories: [
          osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs', fixed: '6.0.0' }], { cvss: CVSS_HIGH, withdrawn: '2026-03-01T00:00:00Z' }),
          osv('GHSA-lodash', [{ ecosystem: 'npm', name: 'lodash' }], { aliases: ['CVE-2021-23337'], cvss: CVSS_HIGH }),
        ],
      });
      const result = await reevaluate(ctx, { reader: handle.current() });
      expect(result).toMatchObject({ status: 'applied', scope: 'changes', resources: 1, created: 0, updated: 1, closed: 1 });
      const web1 = await findingsOf(r.web1);
      expect(web1.find((f) => f.packageName === 'qs')).toMatchObject({ status: 'CLOSED', closedAt: new Date(clock).toISOString() });
      expect(web1.find((f) => f.packageName === 'lodash')?.finding).toMatchObject({ fixAvailable: 'NO', fixedInVersion: null });
      const events = (await allEvents()).slice(before.length);
      expect(events.map((e) => `${e.type} ${(e.payload as { vulnerabilityId: string }).vulnerabilityId}`).sort()).toEqual(['FINDING_CLOSED GHSA-qs', 'FINDING_UPDATED CVE-2021-23337']);

      // The advisory comes back within the reopen window: the same finding, ACTIVE again.
      clock += DAY;
      const closedQs = web1.find((f) => f.packageName === 'qs')!;
      await swapIn({ advisories: [osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs', fixed: '6.0.0' }], { cvss: CVSS_HIGH, summary: 'back' })] });
      expect(await reevaluate(ctx, { reader: handle.current(), rematch: 'whole' })).toMatchObject({ status: 'applied', scope: 'changes', resources: 1, reopened: 1 });
      expect((await findingsOf(r.web1)).find((f) => f.id === closedQs.id)).toMatchObject({ status: 'ACTIVE', closedAt: null, firstObservedAt: closedQs.firstObservedAt });
    });

    it('re-matches from the whole inventory where the index cannot answer alone (a shared flaw, an ambiguous package)', async () => {
      await settleFirstRun();
      // web-3: qs and lodash share CVE-2021-23337 (qs has no fix: PARTIAL on both); host-2: one binary name from two sources.
      const web3 = await store.createResource({ accountId: acme, region: 'eu-west-1', type: 'HOST', name: 'web-3', details: {} });
      const host2 = await store.createResource({ accountId: globex, region: 'eu-west-1', type: 'HOST', name: 'host-2', details: {} });
      await swapIn({ advisories: [osv('GHSA-qs-2', [{ ecosystem: 'npm', name: 'qs' }], { aliases: ['CVE-2021-23337'] })] });
      await reevaluate(ctx, { reader: handle.current() });
      await push(web3, [npmPackage('lodash', '4.17.20'), npmPackage('qs', '6.5.0')]);
      await push(host2, [debPackage('curl', '7.88.1-10', 'curl'), debPackage('curl', '7.88.1-10', 'curl-legacy')], debian12);
      expect((await findingsOf(web3)).map((f) => `${f.vulnerabilityId} ${f.packageName} ${f.finding.fixAvailable}`).sort()).toEqual([
        'CVE-2021-23337 lodash PARTIAL',
        'CVE-2021-23337 qs PARTIAL',
      ]);
      clock += DAY;

      // qs gets a fix: only qs's key changed, yet lodash's finding on web-3 is no longer PARTIAL. And curl-legacy gets an advisory.
      await swapIn({
        advisories: [
          osv('GHSA-qs-2', [{ ecosystem: 'npm', name: 'qs', fixed: '6.6.0' }], { aliases: ['CVE-2021-23337'] }),
          osv('DSA-curl-legacy', [{ ecosystem: 'Debian:12', name: 'curl-legacy', fixed: '7.88.1-11' }]),
        ],
      });
      const result = await reevaluate(ctx, { reader: handle.current() });
      // web-1 (qs 5.0.0 beside lodash) moves the same way as web-3.
      expect(result).toMatchObject({ status: 'applied', scope: 'changes', resources: 3, created: 1, updated: 4, closed: 0 });
      expect((await findingsOf(web3)).map((f) => `${f.vulnerabilityId} ${f.packageName} ${f.finding.fixAvailable}`).sort()).toEqual([
        'CVE-2021-23337 lodash YES',
        'CVE-2021-23337 qs YES',
      ]);
      expect((await findingsOf(host2)).map((f) => `${f.vulnerabilityId} ${f.packageName} ${f.status}`)).toEqual(['DSA-curl-legacy curl ACTIVE']);
      // The same as pushing both inventories again would make.
      for (const resource of [web3, host2, r.web1]) {
        const expected = scanInventory(inventories.get(resource.id)!, handle.current()).findings.map((f) => `${f.vulnerabilityId} ${f.package.name} ${f.fixAvailable}`).sort();
        expect((await findingsOf(resource)).map((f) => `${f.vulnerabilityId} ${f.packageName} ${f.finding.fixAvailable}`).sort()).toEqual(expected);
      }
    });

    it('another database entirely re-evaluates every inventory', async () => {
      await settleFirstRun();
      clock += DAY;
      // The same advisories but openssl's, and express's added: a database built from nothing.
      await swapIn({ advisories: [FIRST_ADVISORIES[0]!, FIRST_ADVISORIES[1]!, EXPRESS] }, { fresh: true });
      const result = await reevaluate(ctx, { reader: handle.current() });
      expect(result).toMatchObject({ status: 'applied', scope: 'everything', resources: 4, created: 3, closed: 1 });
      expect((await picture()).host1).toEqual(['CVE-2023-5363 libssl3 CLOSED']);
      expect(await readAppliedVulnDb(store)).toMatchObject({ databaseId: handle.identity()!.databaseId, importSeq: 1 });
    });

    it('a run on a reader a newer database has replaced stops, records nothing, and the next run does it all', async () => {
      await settleFirstRun();
      const applied = await store.getSetting(APPLIED_VULNDB_SETTING);
      await swapIn({ advisories: [EXPRESS] });
      const stale = handle.current();
      await swapIn({ advisories: [osv('GHSA-left-pad', [{ ecosystem: 'npm', name: 'left-pad' }])] });
      expect(await reevaluate(ctx, { reader: stale })).toMatchObject({ status: 'superseded', resources: 0 });
      expect(await store.getSetting(APPLIED_VULNDB_SETTING)).toBe(applied);
      expect(await reevaluate(ctx, { reader: handle.current() })).toMatchObject({ status: 'applied', scope: 'changes', resources: 3, created: 4 });
      expect((await picture()).web2).toEqual(['CVE-2024-29041 express ACTIVE', 'GHSA-left-pad left-pad ACTIVE']);
    });

    it('a push during a re-evaluation: both applied one after the other, the result is what the last push and the new database make', async () => {
      await settleFirstRun();
      await swapIn({ advisories: [EXPRESS] });
      clock += DAY;
      // web-2 drops express and takes lodash while the re-evaluation of express runs.
      const [result] = await Promise.all([
        reevaluate(ctx, { reader: handle.current() }),
        push(r.web2, [npmPackage('lodash', '4.17.20'), npmPackage('left-pad', '1.3.0')]),
        push(r.img1, [npmPackage('express', '4.18.0'), npmPackage('express', '4.17.0'), pypiPackage('Django', '4.0.0')]),
      ]);
      expect(result.status).toBe('applied');
      const p = await picture();
      expect(p.web2!.filter((f) => !f.endsWith('CLOSED'))).toEqual(['CVE-2021-23337 lodash ACTIVE']);
      expect(p.img1).toEqual(['CVE-2024-29041 express ACTIVE']);
      for (const resource of [r.web2, r.img1]) {
        const findings = await findingsOf(resource);
        const expected = reconcileFindings({
          resource: { accountId: resource.accountId, region: resource.region, resourceId: resource.id, resourceType: resource.type, resourceTags: {} },
          stored: [],
          scanned: scanInventory(inventories.get(resource.id)!, handle.current()).findings,
          suppressionRules: [],
          now: new Date(clock).toISOString(),
          newId: () => 'x',
        }).created.map((f) => `${f.body.vulnerabilityId} ${f.packageName}`);
        expect(findings.filter((f) => f.status === 'ACTIVE').map((f) => `${f.vulnerabilityId} ${f.packageName}`).sort()).toEqual(expected.sort());
      }
      // Every event of a finding agrees with its final state: one FINDING_CREATED each, nothing twice.
      const events = await allEvents();
      const createdIds = events.filter((e) => e.type === 'FINDING_CREATED').map((e) => e.subjectId);
      expect(new Set(createdIds).size).toBe(createdIds.length);
    });

    it('the jobs: a swap noticed by the handle queues a re-evaluation that stores the findings; retention purges what has expired', async () => {
      const queue = new InProcessJobQueue(ctx, { retryDelayMs: 10 });
      await queue.start();
      await queue.work('reevaluate', reevaluateJob);
      await queue.work('retention', retentionJob);
      handle.onSwap(() => void queue.send('reevaluate', { reason: 'swapped' }, { singletonKey: 'reevaluate' }));
      try {
        await queue.send('reevaluate', { reason: 'started' }, { singletonKey: 'reevaluate' });
        await queue.idle();
        await swapIn({ advisories: [EXPRESS, osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs' }], { withdrawn: '2026-03-01T00:00:00Z' })] });
        await queue.idle();
        expect(await picture()).toMatchObject({ web2: ['CVE-2024-29041 express ACTIVE'], web1: ['CVE-2021-23337 lodash ACTIVE', 'CVE-2024-29041 express ACTIVE', 'GHSA-qs qs CLOSED'] });

        // web-2 deleted: its finding closes at once, with its events.
        const deleted = await deleteResourceAndCloseFindings(ctx, acme, r.web2.id as ResourceId);
        expect(deleted).toEqual({ deleted: true, closedFindings: 1 });
        const tail = (await allEvents()).slice(-2);
        expect(tail.map((e) => e.type)).toEqual(['FINDING_CLOSED', 'RESOURCE_DELETED']);
        expect(tail[0]!.payload).toMatchObject({ reason: 'RESOURCE_DELETED' });
        expect(await deleteResourceAndCloseFindings(ctx, acme, r.web2.id as ResourceId)).toEqual({ deleted: false, closedFindings: 0 });

        // 4 days on: the deleted resource's finding (3 days) goes, qs's (30 days) stays.
        clock += 4 * DAY;
        await queue.send('retention', {});
        await queue.idle();
        expect(await store.listFindingsForResource(r.web2.id)).toEqual([]);
        expect((await picture()).web1).toContain('GHSA-qs qs CLOSED');
        clock += 27 * DAY;
        await queue.send('retention', {});
        await queue.idle();
        expect((await picture()).web1).toEqual(['CVE-2021-23337 lodash ACTIVE', 'CVE-2024-29041 express ACTIVE']);
      } finally {
        await queue.stop();
      }
    });
  });
}
