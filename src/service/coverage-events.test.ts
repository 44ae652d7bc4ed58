import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../test/harness/vulndb-imports.js';
import { buildTestDb, fixtureAdvisories } from '../../test/harness/vulndb.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { openSqliteStore, type Account, type NewResource, type Resource, type Store } from '../store/index.js';
import { announceNewResource, announceStaleCoverage } from './coverage-events.js';
import { STALE_INVENTORY_DAYS_SETTING } from './coverage.js';
import { reconcileInventory } from './reconcile-inventory.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

const lodash: Package = { type: 'npm', ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', locations: [{ path: '/app/package-lock.json' }], foundBy: 'npm-lock' };
const openssl: Package = { type: 'deb', name: 'openssl', version: '3.0.11-1~deb12u2', purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12', locations: [{ path: '/var/lib/dpkg/status' }], foundBy: 'dpkg' };

let db: ReturnType<typeof buildTestDb>;
beforeAll(() => {
  db = buildTestDb(fixtureAdvisories());
});
afterAll(() => db.dispose());

let store: Store;
let account: Account;
let clock = T0;
beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  account = await store.createAccount({ name: 'acme', region: 'eu-west-1' });
  clock = T0;
});
afterEach(() => store.close());

/** Creates a resource as the API does: with its RESOURCE_CREATED and first coverage, in one transaction. */
function create(name: string, tags: Record<string, string> = {}): Promise<Resource> {
  const input: NewResource = { type: 'HOST', details: {}, accountId: account.id, region: 'eu-west-1', name, tags };
  return store.transaction(async (tx) => {
    const resource = await tx.createResource(input);
    await announceNewResource(tx, resource, clock);
    return resource;
  });
}

function push(resource: Resource, packages: Package[], day: number, distro?: Inventory['distro']) {
  clock = at(day);
  return reconcileInventory(store, db.reader, { accountId: account.id, resourceId: resource.id, inventory: inventoryOf(packages, { createdAt: clock.toISOString(), ...(distro ? { distro } : {}) }), timestamp: clock.toISOString(), now: clock });
}

/** The coverage events so far, as (resource, previous reason → reason). */
async function coverageEvents(): Promise<string[]> {
  const events = await store.eventsAfter(0, 1000, { accountId: account.id });
  return events
    .filter((e) => e.type === 'COVERAGE_CHANGED' || e.type === 'RESOURCE_CREATED')
    .map((e) => {
      const p = e.payload as { resourceId: string; scanStatus?: { reason: string }; previousScanStatus?: { reason: string } | null };
      return e.type === 'RESOURCE_CREATED' ? `${e.subjectId} created` : `${e.subjectId} ${p.previousScanStatus?.reason ?? '-'} -> ${p.scanStatus!.reason}`;
    });
}

describe('coverage changes are announced once, in the transaction that made them', () => {
  it('follows a resource from creation through pushes, an empty inventory, staleness and back', async () => {
    const web = await create('web-1');
    expect(await coverageEvents()).toEqual([`${web.id} created`, `${web.id} - -> PENDING_INITIAL_SCAN`]);
    await push(web, [lodash], 0);
    await push(web, [lodash], 1); // the same coverage: nothing new
    await push(web, [], 2);
    await push(web, [lodash], 3);
    expect((await coverageEvents()).slice(2)).toEqual([`${web.id} PENDING_INITIAL_SCAN -> SUCCESSFUL`, `${web.id} SUCCESSFUL -> NO_INVENTORY`, `${web.id} NO_INVENTORY -> SUCCESSFUL`]);

    // Seven days and a moment after the last push, the sweep finds it stale, once.
    clock = new Date(at(10).getTime() + 1);
    expect(await announceStaleCoverage({ store, now: () => clock })).toBe(1);
    expect(await announceStaleCoverage({ store, now: () => clock })).toBe(0);
    await push(web, [lodash], 11);
    expect((await coverageEvents()).slice(5)).toEqual([`${web.id} SUCCESSFUL -> STALE_INVENTORY`, `${web.id} STALE_INVENTORY -> SUCCESSFUL`]);
    expect((await store.getResource(account.id, web.id))!.coverageReason).toBe('SUCCESSFUL');
  });

  it('takes the stale age from the setting, and leaves excluded and unsupported resources as decided', async () => {
    const excluded = await create('excluded', { VigilExclusion: 'yes' });
    const unsupported = await create('plan9');
    const fresh = await create('fresh');
    await push(excluded, [lodash], 0);
    await push(unsupported, [openssl], 0, { id: 'plan9', versionId: '4', name: 'Plan 9' } as Inventory['distro']);
    await push(fresh, [lodash], 2);
    await store.putSetting(STALE_INVENTORY_DAYS_SETTING, '1');
    clock = at(2.5);
    expect(await announceStaleCoverage({ store, now: () => clock })).toBe(1);
    const reasons = Object.fromEntries(await Promise.all([excluded, unsupported, fresh].map(async (r) => [r.name, (await store.getResource(account.id, r.id))!.coverageReason])));
    expect(reasons).toEqual({ excluded: 'EXCLUDED_BY_TAG', plan9: 'STALE_INVENTORY', fresh: 'SUCCESSFUL' });
    // The excluded one was announced once, at creation, and never again.
    expect((await coverageEvents()).filter((e) => e.startsWith(excluded.id))).toEqual([`${excluded.id} created`, `${excluded.id} - -> EXCLUDED_BY_TAG`]);
    expect((await coverageEvents()).filter((e) => e.startsWith(unsupported.id)).slice(2)).toEqual([`${unsupported.id} PENDING_INITIAL_SCAN -> UNSUPPORTED_OS`, `${unsupported.id} UNSUPPORTED_OS -> STALE_INVENTORY`]);
  });
});
