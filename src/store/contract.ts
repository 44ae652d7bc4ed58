/**
 * The contract every Store keeps, as a test suite `sqlite.test.ts` and `postgres.test.ts` run:
 * each method's behaviour, account scoping, the finding identity, soft delete, the outbox's
 * order, and transactions that are all-or-nothing and, on one resource, one after the other.
 * Each test makes its own account and package names, so tests never see each other's rows even
 * when `open` hands out the same database twice.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Distro } from '../model/distro.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { runReevaluationContract } from './contract-reevaluation.js';
import { runFindingSearchContract } from './contract-search.js';
import { bodyDigest } from '../findings/body-digest.js';
import { isStoreError, type StoreErrorCode } from './errors.js';
import { newId, type AccountId, type FindingId } from './ids.js';
import { PreparedInventory } from './inventory-index.js';
import type { FindingWrite, Resource, ResourceSpec } from './records.js';
import type { Store } from './store.js';

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';
const T3 = '2026-03-03T10:00:00.000Z';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A name no other test (or earlier run against the same database) uses. */
const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

function npmPackage(name: string, version = '1.0.0', path = '/app/package-lock.json'): Package {
  return { type: 'npm', ecosystem: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, locations: [{ path }], foundBy: 'npm-lock' };
}

function inventoryOf(packages: Package[], distro?: Distro): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    ...(distro ? { distro } : {}),
    packages,
    warnings: [],
    catalogers: [{ name: 'npm-lock', version: 1 }],
    createdAt: T1,
    tool: { name: 'vigil', version: 'test' },
  };
}

function scanFinding(vulnerabilityId: string, pkg: Package): Finding {
  return {
    vulnerabilityId,
    aliases: [],
    title: `${vulnerabilityId} in ${pkg.name}`,
    severity: 'HIGH',
    score: 7.5,
    scoreSource: 'nvd',
    cvss: [],
    epss: { score: 0.25, percentile: 0.9 },
    kev: null,
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    fixedInVersion: '9.9.9',
    remediation: null,
    package: { ecosystem: pkg.ecosystem!, name: pkg.name, version: pkg.version, purl: pkg.purl, type: pkg.type, locations: pkg.locations },
    references: [],
    evidence: [],
  };
}

function activeWrite(resource: Resource, finding: Finding, at = T1, id: FindingId = newId('FindingId')): FindingWrite {
  return {
    id,
    accountId: resource.accountId,
    region: resource.region,
    resourceId: resource.id,
    resourceType: resource.type,
    status: 'ACTIVE',
    closedAt: null,
    firstObservedAt: at,
    lastObservedAt: at,
    updatedAt: at,
    vigilScore: { score: 7.5, adjustments: [{ metric: 'exploit', reason: 'none known' }] },
    finding,
  };
}

async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreError(error, code), `expected StoreError ${code}, got ${String(error)}`).toBe(true);
}

export function runStoreContract(name: string, open: () => Promise<Store>, close: (store: Store) => Promise<void>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let accountId: AccountId;
    beforeEach(async () => {
      store = await open();
      accountId = (await store.createAccount({ name: unique('account'), region: 'eu-west-1' })).id;
    });
    afterEach(async () => {
      await close(store);
    });

    const host = (): Promise<Resource> => store.createResource({ accountId, region: 'eu-west-1', name: unique('host'), type: 'HOST', details: { platform: 'linux' } });

    it('opens an already migrated database again', async () => {
      // A second open of a shared database finds its migrations done; an in-memory one starts afresh.
      const again = await open();
      const account = await again.createAccount({ name: unique('again'), region: 'eu-west-1' });
      expect(await again.getAccount(account.id)).toEqual(account);
      await close(again);
    });

    describe('accounts and API keys', () => {
      it('creates, gets and lists accounts', async () => {
        const account = await store.getAccount(accountId);
        expect(account).toMatchObject({ id: accountId, region: 'eu-west-1' });
        expect((await store.listAccounts()).map((a) => a.id)).toContain(accountId);
        expect(await store.getAccount(newId('AccountId'))).toBeUndefined();
      });

      it('finds a key by its hash until it is revoked, and only its own account can revoke it', async () => {
        const hash = unique('hash');
        const key = await store.createApiKey({ accountId, role: 'read-only', keyHash: hash });
        expect(key).toMatchObject({ accountId, role: 'read-only', keyHash: hash, revokedAt: null });
        expect(await store.findApiKeyByHash(hash)).toEqual(key);
        expect(await store.listApiKeys(accountId)).toEqual([key]);
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        expect(await store.revokeApiKey(other.id, key.id)).toBe(false);
        expect(await store.revokeApiKey(accountId, key.id)).toBe(true);
        expect(await store.revokeApiKey(accountId, key.id)).toBe(false);
        expect(await store.findApiKeyByHash(hash)).toBeUndefined();
        expect((await store.listApiKeys(accountId))[0]!.revokedAt).not.toBeNull();
      });

      it('refuses a key for an unknown account and a hash stored twice', async () => {
        await expectStoreError(store.createApiKey({ accountId: newId('AccountId'), role: 'admin', keyHash: unique('hash') }), 'ACCOUNT_NOT_FOUND');
        const hash = unique('hash');
        await store.createApiKey({ accountId, role: 'admin', keyHash: hash });
        await expect(store.createApiKey({ accountId, role: 'member', keyHash: hash })).rejects.toThrow();
      });
    });

    describe('resources', () => {
      it.each<[string, ResourceSpec]>([
        ['host', { type: 'HOST', details: { platform: 'linux' } }],
        ['image', { type: 'CONTAINER_IMAGE', details: { repository: 'registry.local/app', tags: ['1.0', 'latest'], digest: 'sha256:ab', pushedAt: T1, lastPulledAt: T2 } }],
        ['function', { type: 'FUNCTION', details: { runtime: 'nodejs20.x', layers: ['sha256:l1', 'sha256:l2'] } }],
      ])('keeps a %s with its details and tags', async (_kind, spec) => {
        const created = await store.createResource({ ...spec, accountId, region: 'us-east-1', name: unique('r'), tags: { team: 'web' } });
        expect(created).toMatchObject({ ...spec, accountId, region: 'us-east-1', tags: { team: 'web' }, deletedAt: null, lastScannedAt: null, inventoryTimestamp: null });
        expect(await store.getResource(accountId, created.id)).toEqual(created);
      });

      it("never hands one account another's resource", async () => {
        const resource = await host();
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        expect(await store.getResource(other.id, resource.id)).toBeUndefined();
        expect((await store.listResources(other.id)).items).toEqual([]);
        expect(await store.deleteResource(other.id, resource.id)).toBe(false);
        await expectStoreError(store.createResource({ accountId: newId('AccountId'), region: 'x', name: 'x', type: 'HOST', details: {} }), 'ACCOUNT_NOT_FOUND');
      });

      it('lists in pages, oldest first, by type and region', async () => {
        const made = [];
        for (let i = 0; i < 3; i++) made.push(await host());
        const image = await store.createResource({ accountId, region: 'us-east-1', name: 'img', type: 'CONTAINER_IMAGE', details: { repository: 'r', tags: [] } });
        const first = await store.listResources(accountId, { type: 'HOST', limit: 2 });
        expect(first.items.map((r) => r.id)).toEqual(made.slice(0, 2).map((r) => r.id));
        const second = await store.listResources(accountId, { type: 'HOST', limit: 2, after: first.next! });
        expect(second).toEqual({ items: [made[2]] });
        expect((await store.listResources(accountId, { region: 'us-east-1' })).items.map((r) => r.id)).toEqual([image.id]);
      });

      it('soft-deletes: the resource is hidden, kept, out of the index, and takes no inventory', async () => {
        const resource = await host();
        const pkg = npmPackage(unique('pkg'));
        await store.putInventory(resource.id, inventoryOf([pkg]), T1);
        expect(await store.deleteResource(accountId, resource.id)).toBe(true);
        expect(await store.deleteResource(accountId, resource.id)).toBe(false);
        expect(await store.getResource(accountId, resource.id)).toBeUndefined();
        expect((await store.getResource(accountId, resource.id, { includeDeleted: true }))!.deletedAt).not.toBeNull();
        expect((await store.listResources(accountId)).items).toEqual([]);
        expect(await store.resourcesHolding([{ ecosystem: 'npm', name: pkg.name }])).toEqual([]);
        expect(await store.lockResource(resource.id)).toBeUndefined();
        await expectStoreError(store.putInventory(resource.id, inventoryOf([pkg]), T2), 'RESOURCE_NOT_FOUND');
      });
    });

    describe('coverage reasons', () => {
      it('keeps the reason last announced, and finds the inventories taken before a time whose reason is none of some', async () => {
        const [a, b, c, d] = [await host(), await host(), await host(), await host()];
        const old = '2019-05-01T00:00:00.000Z';
        for (const r of [a, b, c]) await store.putInventory(r.id, inventoryOf([npmPackage('x')]), old);
        await store.putInventory(d.id, inventoryOf([npmPackage('x')]), '2019-07-01T00:00:00.000Z');
        await store.setCoverageReason(a.id, 'SUCCESSFUL');
        await store.setCoverageReason(b.id, 'STALE_INVENTORY');
        expect((await store.getResource(accountId, a.id))!.coverageReason).toBe('SUCCESSFUL');
        const mine = new Set([a.id, b.id, c.id, d.id]);
        const found = async (after?: string) =>
          (await store.resourcesGoingStale('2019-06-01T00:00:00.000Z', { notReasons: ['STALE_INVENTORY', 'EXCLUDED_BY_TAG'], limit: 1000, ...(after ? { after } : {}) })).filter((r) => mine.has(r.id));
        const expected = [a, c].map((r) => ({ id: r.id, accountId, region: 'eu-west-1', type: 'HOST' })).sort((x, y) => (x.id < y.id ? -1 : 1));
        expect(await found()).toEqual(expected);
        expect(await found(expected[0]!.id)).toEqual(expected.slice(1));
        await store.deleteResource(accountId, c.id);
        expect((await found()).map((r) => r.id)).toEqual([a.id]);
      });
    });

    describe('inventories and the index', () => {
      it('stores the latest inventory, answers the previous timestamp, and refuses an older one', async () => {
        const resource = await host();
        const first = inventoryOf([npmPackage('a')]);
        const second = inventoryOf([npmPackage('a', '2.0.0')]);
        expect(await store.putInventory(resource.id, first, T2)).toEqual({ stored: true, previousTimestamp: null });
        expect(await store.putInventory(resource.id, second, '2026-03-03T11:00:00+01:00')).toEqual({ stored: true, previousTimestamp: T2 });
        expect(await store.putInventory(resource.id, first, T1)).toEqual({ stored: false, reason: 'STALE', storedTimestamp: T3 });
        expect(await store.getInventory(resource.id)).toEqual({ inventory: second, timestamp: T3 });
        // The same inventory again is a re-push, not a stale one.
        expect(await store.putInventory(resource.id, second, T3)).toEqual({ stored: true, previousTimestamp: T3 });
        const stored = (await store.getResource(accountId, resource.id))!;
        expect(stored.inventoryTimestamp).toBe(T3);
        expect(stored.lastScannedAt).not.toBeNull();
        await store.markScanned(resource.id, T1);
        expect((await store.getResource(accountId, resource.id))!.lastScannedAt).toBe(T1);
      });

      it('refuses a timestamp that is not one', async () => {
        const resource = await host();
        await expectStoreError(store.putInventory(resource.id, inventoryOf([]), 'yesterday'), 'INVALID_TIMESTAMP');
        await expectStoreError(store.putInventory(newId('ResourceId'), inventoryOf([]), T1), 'RESOURCE_NOT_FOUND');
      });

      it('indexes resources by the keys matching looks them up under, and follows each new inventory', async () => {
        const [a, b] = [await host(), await host()];
        const shared = unique('shared');
        const only = unique('only');
        await store.putInventory(a.id, inventoryOf([npmPackage(shared), npmPackage(only)]), T1);
        await store.putInventory(b.id, inventoryOf([npmPackage(shared)]), T1);
        const ids = async (name: string) => (await store.resourcesHolding([{ ecosystem: 'npm', name }])).map((r) => r.id);
        expect(await ids(shared)).toEqual([a.id, b.id].sort());
        expect(await store.resourcesHolding([{ ecosystem: 'npm', name: only }])).toEqual([{ id: a.id, accountId, region: 'eu-west-1', type: 'HOST' }]);
        await store.putInventory(a.id, inventoryOf([npmPackage(shared, '2.0.0')]), T2);
        expect(await ids(only)).toEqual([]);
        expect(await ids(shared)).toEqual([a.id, b.id].sort());
        // Prepared beforehand, the same: stored, indexed, and refused when older.
        const prepared = new PreparedInventory(inventoryOf([npmPackage(only)]));
        expect(await store.putInventory(b.id, prepared, T2)).toEqual({ stored: true, previousTimestamp: T1 });
        expect(await store.getInventory(b.id)).toEqual({ inventory: prepared.inventory, timestamp: T2 });
        expect(await ids(only)).toEqual([b.id]);
        expect(await ids(shared)).toEqual([a.id]);
        expect(await store.putInventory(b.id, new PreparedInventory(inventoryOf([])), T1)).toEqual({ stored: false, reason: 'STALE', storedTimestamp: T2 });
      });

      it('indexes OS packages under the release and source name, and language names normalised', async () => {
        const resource = await host();
        const source = unique('openssl');
        const debian: Distro = { id: 'debian', versionId: '12.5', idLike: [], source: '/etc/os-release' };
        const libssl: Package = { type: 'deb', name: 'libssl3', version: '3.0.11-1', purl: 'pkg:deb/debian/libssl3@3.0.11-1', source: { name: source }, locations: [{ path: '/var/lib/dpkg/status' }], foundBy: 'dpkg' };
        const django: Package = { type: 'pypi', ecosystem: 'PyPI', name: `Django_${source}`, version: '4.0', purl: 'p', locations: [{ path: '/x' }], foundBy: 'python' };
        await store.putInventory(resource.id, inventoryOf([libssl, django], debian), T1);
        expect((await store.resourcesHolding([{ ecosystem: 'Debian:12', name: source }])).map((r) => r.id)).toEqual([resource.id]);
        expect(await store.resourcesHolding([{ ecosystem: 'Debian:12', name: 'libssl3' }])).toEqual([]);
        expect((await store.resourcesHolding([{ ecosystem: 'PyPI', name: `django.${source}` }])).map((r) => r.id)).toEqual([resource.id]);
      });

      it('takes inventories and key lists larger than one statement holds', async () => {
        const resource = await host();
        const prefix = unique('bulk');
        const packages = Array.from({ length: 1200 }, (_, i) => npmPackage(`${prefix}-${i}`));
        await store.putInventory(resource.id, inventoryOf(packages), T1);
        const keys = packages.map((p) => ({ ecosystem: 'npm', name: p.name }));
        expect((await store.resourcesHolding(keys)).map((r) => r.id)).toEqual([resource.id]);
        await store.putInventory(resource.id, inventoryOf(packages.slice(0, 600)), T2);
        expect(await store.resourcesHolding(keys.slice(600))).toEqual([]);
        expect(await store.resourcesHolding([])).toEqual([]);
      });
    });

    describe('findings', () => {
      it('stores a batch and hands it back by id, by identity and by resource, only to its account', async () => {
        const resource = await host();
        const pkg = npmPackage('lodash', '4.17.20');
        const writes = [activeWrite(resource, scanFinding('CVE-2021-23337', pkg)), activeWrite(resource, scanFinding('CVE-2020-8203', pkg))];
        const stored = await store.upsertFindings(writes);
        expect(stored).toHaveLength(2);
        const first = (await store.getFinding(accountId, writes[0]!.id))!;
        expect(first).toEqual({
          ...writes[0],
          type: 'PACKAGE_VULNERABILITY',
          vulnerabilityId: 'CVE-2021-23337',
          packageEcosystem: 'npm',
          packageName: 'lodash',
          filePath: '/app/package-lock.json',
          suppressedBy: [],
          bodyDigest: bodyDigest(JSON.stringify(writes[0]!.finding)),
        });
        expect(stored.find((f) => f.id === first.id)).toEqual(first);
        expect(await store.findFindingByIdentity(first)).toEqual(first);
        expect((await store.listFindingsForResource(resource.id)).map((f) => f.id).sort()).toEqual(writes.map((w) => w.id).sort());
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        expect(await store.getFinding(other.id, first.id)).toBeUndefined();
      });

      it('keeps one finding per identity: a new version of the package updates it', async () => {
        const resource = await host();
        const write = activeWrite(resource, scanFinding('CVE-2021-23337', npmPackage('lodash', '4.17.20')));
        await store.upsertFindings([write]);
        const upgraded = { ...write, lastObservedAt: T2, updatedAt: T2, finding: scanFinding('CVE-2021-23337', npmPackage('lodash', '4.17.21')) };
        await store.upsertFindings([upgraded]);
        const all = await store.listFindingsForResource(resource.id);
        expect(all).toHaveLength(1);
        expect(all[0]).toMatchObject({ id: write.id, firstObservedAt: T1, lastObservedAt: T2 });
        expect(all[0]!.finding.package.version).toBe('4.17.21');
        // Another file path is another finding.
        await store.upsertFindings([activeWrite(resource, scanFinding('CVE-2021-23337', npmPackage('lodash', '4.17.20', '/other/package-lock.json')))]);
        expect(await store.listFindingsForResource(resource.id)).toHaveLength(2);
      });

      it('replaces the row, id included, when an identity is written under a new id', async () => {
        const resource = await host();
        const finding = scanFinding('CVE-2021-23337', npmPackage('lodash'));
        const old = activeWrite(resource, finding);
        await store.upsertFindings([old]);
        const renewed = activeWrite(resource, finding, T3);
        await store.upsertFindings([renewed]);
        expect(await store.getFinding(accountId, old.id)).toBeUndefined();
        expect(await store.getFinding(accountId, renewed.id)).toMatchObject({ firstObservedAt: T3 });
        // The body went with the row: one, under the new id.
        expect([...(await store.getFindingBodies([old.id, renewed.id])).keys()]).toEqual([renewed.id]);
      });

      it('hands back heads without bodies, the bodies by id, and the rules that suppressed a finding until it closes', async () => {
        const resource = await host();
        const a = activeWrite(resource, scanFinding('CVE-1', npmPackage('a')));
        const suppressed: FindingWrite = { ...activeWrite(resource, scanFinding('CVE-2', npmPackage('b'))), status: 'SUPPRESSED', closedAt: null, suppressedBy: ['rule-b', 'rule-a'] };
        // Rules on a finding that is not suppressed are not kept.
        const active: FindingWrite = { ...activeWrite(resource, scanFinding('CVE-3', npmPackage('c'))), suppressedBy: ['rule-a'] };
        await store.upsertFindings([a, suppressed, active]);
        const whole = await store.listFindingsForResource(resource.id);
        const heads = await store.listFindingHeadsForResource(resource);
        expect(heads).toEqual(whole.map(({ finding: _body, ...head }) => head));
        expect(heads.map((h) => [h.id, h.suppressedBy])).toEqual(
          [
            [a.id, []],
            [suppressed.id, ['rule-a', 'rule-b']],
            [active.id, []],
          ].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)),
        );
        const bodies = await store.getFindingBodies([suppressed.id, 'fnd-none' as FindingId, a.id]);
        expect(new Map(bodies)).toEqual(new Map([[suppressed.id, suppressed.finding], [a.id, a.finding]]));
        expect(heads.find((h) => h.id === a.id)!.bodyDigest).toBe(bodyDigest(JSON.stringify(a.finding)));
        await store.closeFindings([suppressed.id], T2);
        expect(await store.getFinding(accountId, suppressed.id)).toMatchObject({ status: 'CLOSED', suppressedBy: [] });
      });

      it('refuses a batch naming one identity twice, and writes none of it', async () => {
        const resource = await host();
        const finding = scanFinding('CVE-2021-23337', npmPackage('lodash'));
        await expectStoreError(store.upsertFindings([activeWrite(resource, scanFinding('CVE-1', npmPackage('x'))), activeWrite(resource, finding), activeWrite(resource, finding)]), 'DUPLICATE_FINDING_IDENTITY');
        expect(await store.listFindingsForResource(resource.id)).toEqual([]);
      });

      it('moves only lastObservedAt of the open findings a scan saw unchanged', async () => {
        const resource = await host();
        const [a, b] = [activeWrite(resource, scanFinding('CVE-1', npmPackage('a'))), activeWrite(resource, scanFinding('CVE-2', npmPackage('b')))];
        await store.upsertFindings([a, b]);
        await store.closeFindings([b.id], T2);
        await store.observeFindings([a.id, b.id], T3);
        const [after, closed] = [await store.getFinding(accountId, a.id), await store.getFinding(accountId, b.id)];
        expect(after).toMatchObject({ status: 'ACTIVE', firstObservedAt: T1, lastObservedAt: T3, updatedAt: T1 });
        expect(after?.finding).toEqual(a.finding);
        expect(closed).toMatchObject({ status: 'CLOSED', lastObservedAt: T1, closedAt: T2 });
      });

      it('closes open findings once, and keeps a closed status with its time', async () => {
        const resource = await host();
        const [a, b] = [activeWrite(resource, scanFinding('CVE-1', npmPackage('a'))), activeWrite(resource, scanFinding('CVE-2', npmPackage('b')))];
        const suppressed: FindingWrite = { ...activeWrite(resource, scanFinding('CVE-3', npmPackage('c'))), status: 'SUPPRESSED', closedAt: null };
        await store.upsertFindings([a, b, suppressed]);
        const closed = await store.closeFindings([a.id, b.id], T2);
        expect(closed.map((f) => [f.id, f.status, f.closedAt, f.updatedAt])).toEqual(
          [a, b].map((w) => [w.id, 'CLOSED', T2, T2]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
        );
        expect(await store.closeFindings([a.id], T3)).toEqual([]);
        expect(await store.getFinding(accountId, a.id)).toMatchObject({ status: 'CLOSED', closedAt: T2 });
        expect((await store.listFindingsForResource(resource.id)).map((f) => f.status).sort()).toEqual(['CLOSED', 'CLOSED', 'SUPPRESSED']);
        // Reopening is a write of the same identity as ACTIVE.
        await store.upsertFindings([{ ...a, lastObservedAt: T3, updatedAt: T3 }]);
        expect(await store.getFinding(accountId, a.id)).toMatchObject({ status: 'ACTIVE', closedAt: null, lastObservedAt: T3 });
      });

      it('writes and closes batches larger than one statement holds', async () => {
        const resource = await host();
        const writes = Array.from({ length: 1100 }, (_, i) => activeWrite(resource, scanFinding(`CVE-2026-${10000 + i}`, npmPackage('big'))));
        expect(await store.upsertFindings(writes)).toHaveLength(1100);
        // Seen again: every one's lastObservedAt moves, in one statement whatever the count.
        await store.observeFindings(writes.map((w) => w.id), T2);
        await store.observeFindings([], T3);
        expect(new Set((await store.listFindingHeadsForResource(resource)).map((f) => f.lastObservedAt))).toEqual(new Set([T2]));
        const closed = await store.closeFindings(writes.map((w) => w.id), T3);
        expect(closed).toHaveLength(1100);
        expect(closed.every((f) => f.status === 'CLOSED' && f.closedAt === T3 && f.lastObservedAt === T2)).toBe(true);
        expect(await store.upsertFindings([])).toEqual([]);
      });
    });

    describe('filters', () => {
      it('creates, reads, lists by action, updates and deletes, within the account', async () => {
        const saved = await store.createFilter({ accountId, region: 'eu-west-1', name: 'critical', criteria: { severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] }, action: 'NONE' });
        const rule = await store.createFilter({ accountId, region: 'eu-west-1', name: 'dev images', criteria: { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'dev' }] }, action: 'SUPPRESS', reason: 'not deployed' });
        expect(saved).toMatchObject({ reason: null, action: 'NONE' });
        expect(await store.getFilter(accountId, rule.id)).toEqual(rule);
        expect(await store.listFilters(accountId)).toEqual([saved, rule]);
        expect(await store.listFilters(accountId, { action: 'SUPPRESS' })).toEqual([rule]);
        const updated = await store.updateFilter(accountId, rule.id, { action: 'NONE', reason: null, criteria: { severity: [] } });
        expect(updated).toMatchObject({ id: rule.id, name: 'dev images', action: 'NONE', reason: null, criteria: { severity: [] }, createdAt: rule.createdAt });
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        expect(await store.getFilter(other.id, rule.id)).toBeUndefined();
        expect(await store.updateFilter(other.id, rule.id, { name: 'x' })).toBeUndefined();
        expect(await store.deleteFilter(other.id, rule.id)).toBe(false);
        expect(await store.deleteFilter(accountId, rule.id)).toBe(true);
        expect(await store.getFilter(accountId, rule.id)).toBeUndefined();
        await expectStoreError(store.createFilter({ accountId: newId('AccountId'), region: 'x', name: 'x', criteria: {}, action: 'NONE' }), 'ACCOUNT_NOT_FOUND');
      });
    });

    describe('events', () => {
      it('numbers events in the order they are appended and pages through them from a cursor', async () => {
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        const first = await store.appendEvents([
          { accountId, type: 'RESOURCE_CREATED', subjectId: 'r1', payload: { n: 1 } },
          { accountId: other.id, type: 'RESOURCE_CREATED', subjectId: 'r2', payload: { n: 2 } },
        ]);
        const second = await store.appendEvents([{ accountId, type: 'FINDING_CREATED', subjectId: 'f1', payload: { n: 3 } }]);
        const all = [...first, ...second];
        expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => x - y));
        expect(new Set(all.map((e) => e.seq)).size).toBe(3);
        const mine = await store.eventsAfter(0, 100, { accountId });
        expect(mine.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 3 }]);
        expect(await store.eventsAfter(mine[0]!.seq, 1, { accountId })).toEqual([second[0]]);
        expect((await store.eventsAfter(first[0]!.seq, 100)).map((e) => e.subjectId).slice(0, 2)).toEqual(['r2', 'f1']);
        expect(await store.appendEvents([])).toEqual([]);
      });

      it('never lets a reader see an event before one that commits later with a lower number', async () => {
        const start = (await store.eventsAfter(0, 1000)).at(-1)?.seq ?? 0;
        const slow = store.transaction(async (tx) => {
          await tx.appendEvents([{ accountId, type: 'FINDING_CREATED', subjectId: 'slow', payload: null }]);
          await sleep(150);
        });
        await sleep(30);
        const fast = store.transaction((tx) => tx.appendEvents([{ accountId, type: 'FINDING_CREATED', subjectId: 'fast', payload: null }]));
        await sleep(50);
        const early = await store.eventsAfter(start, 1000, { accountId });
        await Promise.all([slow, fast]);
        const final = await store.eventsAfter(start, 1000, { accountId });
        expect(final.map((e) => e.subjectId)).toEqual(['slow', 'fast']);
        expect(final.slice(0, early.length)).toEqual(early);
      });
    });

    describe('scans and settings', () => {
      it('runs a scan once: queued, started, finished; a second start or finish does nothing', async () => {
        const resource = await host();
        const scan = await store.createScan({ accountId, region: 'eu-west-1', resourceId: resource.id, target: '/srv/rootfs' });
        expect(scan).toMatchObject({ status: 'QUEUED', attempts: 0, startedAt: null, result: null, error: null });
        expect((await store.listUnfinishedScans()).map((s) => s.id)).toContain(scan.id);

        const started = await store.startScan(scan.id, T2);
        expect(started).toMatchObject({ status: 'RUNNING', attempts: 1, startedAt: T2 });
        // A crashed worker's scan is started again, and the attempt is counted.
        expect(await store.startScan(scan.id, T3)).toMatchObject({ status: 'RUNNING', attempts: 2, startedAt: T3 });

        const result = { packages: 3, warnings: 0, created: 2, updated: 0, closed: 0, reopened: 0, unchanged: 0 };
        expect(await store.finishScan(scan.id, { status: 'SUCCEEDED', result }, T3)).toMatchObject({ status: 'SUCCEEDED', result, finishedAt: T3, error: null });
        expect(await store.startScan(scan.id, T3)).toBeUndefined();
        expect(await store.finishScan(scan.id, { status: 'FAILED', error: 'late' }, T3)).toBeUndefined();
        expect(await store.getScan(accountId, scan.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result });
        expect((await store.listUnfinishedScans()).map((s) => s.id)).not.toContain(scan.id);
      });

      it("keeps a failed scan's error, and shows a scan only to its own account", async () => {
        const resource = await host();
        const scan = await store.createScan({ accountId, region: 'eu-west-1', resourceId: resource.id, target: 'zip:/nowhere.zip' });
        expect(await store.finishScan(scan.id, { status: 'FAILED', error: 'no such file' }, T2)).toMatchObject({ status: 'FAILED', error: 'no such file', startedAt: null, result: null });
        const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
        expect(await store.getScan(other.id, scan.id)).toBeUndefined();
        await expectStoreError(store.createScan({ accountId: newId('AccountId'), region: 'eu-west-1', resourceId: resource.id, target: '/x' }), 'ACCOUNT_NOT_FOUND');
      });

      it('stores a setting and replaces it', async () => {
        const key = unique('setting');
        expect(await store.getSetting(key)).toBeUndefined();
        await store.putSetting(key, 'one');
        await store.putSetting(key, 'two');
        expect(await store.getSetting(key)).toBe('two');
      });
    });

    runFindingSearchContract(() => store);
    runReevaluationContract(
      () => store,
      () => accountId,
    );

    describe('transactions', () => {
      it('commits everything the callback wrote and returns its value', async () => {
        const value = await store.transaction(async (tx) => {
          const resource = await tx.createResource({ accountId, region: 'eu-west-1', name: 'in-tx', type: 'HOST', details: {} });
          await tx.putInventory(resource.id, inventoryOf([npmPackage('a')]), T1);
          return resource.id;
        });
        expect((await store.getInventory(value))!.timestamp).toBe(T1);
      });

      it('writes nothing when the callback throws, and hands its error on', async () => {
        const resource = await host();
        const pkg = npmPackage(unique('pkg'));
        const boom = new Error('boom');
        let created: Resource | undefined;
        await expect(
          store.transaction(async (tx) => {
            created = await tx.createResource({ accountId, region: 'eu-west-1', name: 'doomed', type: 'HOST', details: {} });
            await tx.putInventory(resource.id, inventoryOf([pkg]), T1);
            await tx.upsertFindings([activeWrite(resource, scanFinding('CVE-1', pkg))]);
            await tx.appendEvents([{ accountId, type: 'FINDING_CREATED', subjectId: 'x', payload: null }]);
            await tx.createFilter({ accountId, region: 'eu-west-1', name: 'f', criteria: {}, action: 'SUPPRESS' });
            // A nested transaction joins this one and goes down with it.
            await tx.transaction((inner) => inner.markScanned(resource.id, T3));
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.getResource(accountId, created!.id)).toBeUndefined();
        expect(await store.getInventory(resource.id)).toBeUndefined();
        expect(await store.getResource(accountId, resource.id)).toEqual(resource);
        expect(await store.resourcesHolding([{ ecosystem: 'npm', name: pkg.name }])).toEqual([]);
        expect(await store.listFindingsForResource(resource.id)).toEqual([]);
        expect(await store.eventsAfter(0, 1000, { accountId })).toEqual([]);
        expect(await store.listFilters(accountId)).toEqual([]);
      });

      it('applies two transactions on one resource one after the other', async () => {
        const resource = await host();
        const log: string[] = [];
        const push = (label: string) =>
          store.transaction(async (tx) => {
            const result = await tx.putInventory(resource.id, inventoryOf([npmPackage(label)]), T1);
            log.push(`${label} start`);
            await sleep(60);
            log.push(`${label} end`);
            return result;
          });
        const results = await Promise.all([push('a'), push('b')]);
        expect([log.slice(0, 2), log.slice(2)].map((pair) => pair.map((l) => l.split(' ')[1]))).toEqual([
          ['start', 'end'],
          ['start', 'end'],
        ]);
        expect(log[0]!.split(' ')[0]).toBe(log[1]!.split(' ')[0]);
        // The second saw the first's committed inventory.
        expect(results.map((r) => (r.stored ? r.previousTimestamp : 'refused')).sort()).toEqual([T1, null].sort());
        const last = log[3]!.split(' ')[0]!;
        expect((await store.getInventory(resource.id))!.inventory.packages[0]!.name).toBe(last);
      });
    });
  });
}
