import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestDb, fixtureAdvisories } from '../../test/harness/vulndb.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { openSqliteStore, type Account, type Resource, type Store } from '../store/index.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { reconcileInventory } from './reconcile-inventory.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

function lodash(version: string): Package {
  return { type: 'npm', ecosystem: 'npm', name: 'lodash', version, purl: `pkg:npm/lodash@${version}`, locations: [{ path: '/app/package-lock.json' }], foundBy: 'npm-lock' };
}

function inventoryOf(packages: Package[], createdAt: Date): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    packages,
    warnings: [],
    catalogers: [{ name: 'npm-lock', version: 1 }],
    createdAt: createdAt.toISOString(),
    tool: { name: 'vigil', version: 'test' },
  };
}

let db: ReturnType<typeof buildTestDb>;
beforeAll(() => {
  db = buildTestDb(fixtureAdvisories());
});
afterAll(() => db.dispose());

let store: Store;
let account: Account;
let resource: Resource;
let counter = 0;
const newId = () => `fnd-test-${String(++counter).padStart(4, '0')}`;

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  account = await store.createAccount({ name: 'acme', region: 'eu-west-1' });
  resource = await store.createResource({ type: 'HOST', details: {}, accountId: account.id, region: 'eu-west-1', name: 'web-1' });
});
afterEach(() => store.close());

function push(version: string | null, day: number, options: { reader?: VulnDbReader; store?: Store } = {}) {
  const when = at(day);
  return reconcileInventory(options.store ?? store, options.reader ?? db.reader, {
    accountId: account.id,
    resourceId: resource.id,
    inventory: inventoryOf(version ? [lodash(version)] : [], when),
    timestamp: when.toISOString(),
    now: when,
    newId,
  });
}

async function snapshot() {
  return {
    findings: await store.listFindingsForResource(resource.id),
    events: await store.eventsAfter(0, 1000, { accountId: account.id }),
    /** The findings' events alone (coverage-events.test.ts follows the coverage). */
    findingEvents: (await store.eventsAfter(0, 1000, { accountId: account.id })).filter((e) => e.type.startsWith('FINDING_')),
    inventory: await store.getInventory(resource.id),
  };
}

describe('reconcileInventory', () => {
  it('creates an ACTIVE finding for a vulnerable package and writes its event', async () => {
    expect(await push('4.17.20', 0)).toEqual({ status: 'applied', created: 1, updated: 0, closed: 0, reopened: 0, unchanged: 0 });
    const { findings, events, inventory } = await snapshot();
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ status: 'ACTIVE', closedAt: null, packageName: 'lodash', firstObservedAt: at(0).toISOString(), lastObservedAt: at(0).toISOString() });
    expect(finding!.id.startsWith('fnd-test-')).toBe(true);
    expect(finding!.vigilScore).not.toBeNull();
    // The resource's coverage (its first inventory) is announced in the same transaction.
    expect(events.map((e) => [e.type, e.subjectId])).toEqual([
      ['COVERAGE_CHANGED', resource.id],
      ['FINDING_CREATED', finding!.id],
    ]);
    expect(inventory?.timestamp).toBe(at(0).toISOString());
    expect((await store.getResource(account.id, resource.id))?.lastScannedAt).toBe(at(0).toISOString());
  });

  it('changes nothing on the same inventory pushed again, but moves lastObservedAt', async () => {
    await push('4.17.20', 0);
    const before = await snapshot();
    expect(await push('4.17.20', 1)).toEqual({ status: 'applied', created: 0, updated: 0, closed: 0, reopened: 0, unchanged: 1 });
    const after = await snapshot();
    expect(after.events).toEqual(before.events);
    expect(after.findings).toHaveLength(1);
    expect(after.findings[0]).toMatchObject({ id: before.findings[0]!.id, status: 'ACTIVE', updatedAt: at(0).toISOString(), lastObservedAt: at(1).toISOString() });
  });

  it('closes the finding when the package is upgraded, and reopens the same finding on a downgrade within 7 days', async () => {
    await push('4.17.20', 0);
    const [first] = (await snapshot()).findings;
    expect(await push('4.17.21', 1)).toEqual({ status: 'applied', created: 0, updated: 0, closed: 1, reopened: 0, unchanged: 0 });
    let { findings, events } = await snapshot();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: first!.id, status: 'CLOSED', closedAt: at(1).toISOString() });
    expect(events.at(-1)).toMatchObject({ type: 'FINDING_CLOSED', subjectId: first!.id });

    expect(await push('4.17.20', 7)).toEqual({ status: 'applied', created: 0, updated: 0, closed: 0, reopened: 1, unchanged: 0 });
    ({ findings, events } = await snapshot());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: first!.id, status: 'ACTIVE', closedAt: null, firstObservedAt: at(0).toISOString() });
    expect((await snapshot()).findingEvents.map((e) => e.type)).toEqual(['FINDING_CREATED', 'FINDING_CLOSED', 'FINDING_REOPENED']);
  });

  it('creates a new finding when the package recurs more than 7 days after closing', async () => {
    await push('4.17.20', 0);
    const [first] = (await snapshot()).findings;
    await push('4.17.21', 1);
    expect(await push('4.17.20', 9)).toMatchObject({ status: 'applied', created: 1, reopened: 0 });
    const { findings } = await snapshot();
    expect(findings.filter((f) => f.status === 'ACTIVE').map((f) => f.id)).not.toContain(first!.id);
  });

  it('refuses an older inventory and changes nothing', async () => {
    await push('4.17.20', 2);
    const before = await snapshot();
    expect(await push('4.17.21', 1)).toEqual({ status: 'stale', storedTimestamp: at(2).toISOString() });
    expect(await snapshot()).toEqual(before);
  });

  it('answers not-found for a missing, deleted or other account\'s resource', async () => {
    const other = await store.createAccount({ name: 'other', region: 'eu-west-1' });
    const when = at(0);
    const base = { inventory: inventoryOf([lodash('4.17.20')], when), timestamp: when.toISOString(), now: when };
    expect(await reconcileInventory(store, db.reader, { ...base, accountId: account.id, resourceId: 'res-missing' })).toEqual({ status: 'not-found' });
    expect(await reconcileInventory(store, db.reader, { ...base, accountId: other.id, resourceId: resource.id })).toEqual({ status: 'not-found' });
    await store.deleteResource(account.id, resource.id);
    expect(await reconcileInventory(store, db.reader, { ...base, accountId: account.id, resourceId: resource.id })).toEqual({ status: 'not-found' });
    expect(await store.listFindingsForResource(resource.id)).toEqual([]);
  });

  it('suppresses a finding a SUPPRESS filter on its vulnerability id matches, and does not re-announce it', async () => {
    // Learn the vulnerability id from a throwaway resource, then suppress it.
    await push('4.17.20', 0);
    const [probe] = (await snapshot()).findings;
    resource = await store.createResource({ type: 'HOST', details: {}, accountId: account.id, region: 'eu-west-1', name: 'web-2' });
    const filter = await store.createFilter({
      accountId: account.id,
      region: 'eu-west-1',
      name: 'accepted risk',
      criteria: { vulnerabilityId: [{ comparison: 'EQUALS', value: probe!.vulnerabilityId }] },
      action: 'SUPPRESS',
      reason: 'not reachable',
    });
    expect(await push('4.17.20', 1)).toMatchObject({ status: 'applied', created: 1 });
    let { findings, events } = await snapshot();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'SUPPRESSED', vulnerabilityId: probe!.vulnerabilityId });
    const created = events.filter((e) => e.subjectId === findings[0]!.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ type: 'FINDING_CREATED', payload: { status: 'SUPPRESSED', suppressedBy: [filter.id] } });

    expect(await push('4.17.20', 2)).toEqual({ status: 'applied', created: 0, updated: 0, closed: 0, reopened: 0, unchanged: 1 });
    ({ events } = await snapshot());
    expect(events.filter((e) => e.subjectId === findings[0]!.id)).toHaveLength(1);
  });

  it('writes nothing when the scan throws', async () => {
    await push('4.17.20', 0);
    const before = await snapshot();
    const broken = new Proxy(db.reader, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? () => { throw new Error('vulnerability db unreadable'); } : value;
      },
    });
    await expect(push('4.17.21', 1, { reader: broken })).rejects.toThrow('vulnerability db unreadable');
    expect(await snapshot()).toEqual(before);
  });

  it('writes nothing when the last write (the events) fails: findings and inventory are rolled back', async () => {
    await push('4.17.20', 0);
    const before = await snapshot();
    const failing: Store = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'transaction') return Reflect.get(target, key, receiver);
        return <T>(fn: (tx: Store) => Promise<T>) =>
          target.transaction((tx) =>
            fn(new Proxy(tx, { get: (t, k, r) => (k === 'appendEvents' ? () => Promise.reject(new Error('outbox full')) : Reflect.get(t, k, r)) })),
          );
      },
    });
    await expect(push('4.17.21', 1, { store: failing })).rejects.toThrow('outbox full');
    expect(await snapshot()).toEqual(before);
  });
});
