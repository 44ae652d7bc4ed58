/**
 * The finding lifecycle end to end through the API (issue 5, "Tests and proof"): push an
 * inventory, findings ACTIVE; push an upgraded one, CLOSED; downgrade within 7 days, the same
 * finding ACTIVE again; an older inventory is refused; a suppression rule SUPPRESSES and its
 * deletion restores; a new advisory imported while the server runs produces the finding without
 * any push.
 */
import { renameSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../harness/postgres.js';
import { fixtureAdvisories, buildTestDb } from '../harness/vulndb.js';
import { startTestService, type TestService } from '../harness/service.js';

function cyclonedx(timestamp: string, packages: Array<{ name: string; version: string }>) {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { timestamp },
    components: packages.map((p) => ({ type: 'library', 'bom-ref': `pkg:npm/${p.name}@${p.version}`, name: p.name, version: p.version, purl: `pkg:npm/${p.name}@${p.version}` })),
  });
}

/** GHSA-xvch-5gv4-984h: minimist before 1.2.6 (prototype pollution), published after the service started. */
const minimistAdvisory = {
  schema_version: '1.6.0',
  id: 'GHSA-xvch-5gv4-984h',
  modified: '2024-02-01T00:00:00Z',
  published: '2022-03-18T00:00:00Z',
  aliases: ['CVE-2021-44906'],
  summary: 'Prototype Pollution in minimist',
  affected: [{ package: { ecosystem: 'npm', name: 'minimist' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.6' }] }] }],
};

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const pgUnavailable = await postgresUnavailable();

const stores: Array<{ name: string; skip?: string; open(): Promise<{ store: Store; done(): Promise<void> }> }> = [
  { name: 'SQLite', open: async () => ({ store: await openSqliteStore(':memory:'), done: async () => {} }) },
  {
    name: 'PostgreSQL',
    ...(pgUnavailable ? { skip: pgUnavailable } : {}),
    open: async () => {
      const database: TestDatabase = await createTestDatabase('lifecycle');
      return { store: await openPostgresStore(database.url), done: () => database.drop() };
    },
  },
];

describe.each(stores)('the finding lifecycle through the API on $name', ({ skip, open }) => {
  if (skip) {
    it.skip(`needs PostgreSQL: ${skip}`, () => {});
    return;
  }
  let service: TestService;
  let dropStore: () => Promise<void>;
  let member: { authorization: string };
  let resourceId: string;

  beforeEach(async () => {
    const opened = await open();
    dropStore = opened.done;
    service = await startTestService({ store: opened.store });
    member = service.auth(service.alice.keys.member);
    const created = await service.app.inject({ method: 'POST', url: '/v1/resources', headers: member, payload: { type: 'HOST', name: 'web-1', tags: { env: 'prod' } } });
    expect(created.statusCode).toBe(201);
    resourceId = created.json().id;
  });
  afterEach(async () => {
    await service.close();
    await dropStore();
  });

  const push = (timestamp: string, packages: Array<{ name: string; version: string }>) =>
    service.app.inject({ method: 'PUT', url: `/v1/resources/${resourceId}/inventory`, headers: { ...member, 'content-type': 'application/vnd.cyclonedx+json' }, payload: cyclonedx(timestamp, packages) });

  const search = async (filterCriteria: Record<string, unknown> = {}) => {
    const response = await service.app.inject({ method: 'POST', url: '/v1/findings/search', headers: member, payload: { filterCriteria } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().findings as Array<Record<string, any>>;
  };

  it('writes each finding of a search page as GET /v1/findings/{id} does, page by page', async () => {
    const pushed = await push('2026-11-01T10:00:00Z', [{ name: 'lodash', version: '4.17.20' }, { name: 'lodash-es', version: '4.17.20' }]);
    expect(pushed.statusCode, pushed.body).toBe(200);
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const response = await service.app.inject({ method: 'POST', url: '/v1/findings/search', headers: member, payload: { maxResults: 1, ...(nextToken ? { nextToken } : {}) } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const page = response.json() as { findings: Array<Record<string, unknown>>; nextToken?: string };
      for (const finding of page.findings) {
        // GET writes through the route's response schema: the same fields, and no others.
        const one = await service.app.inject({ method: 'GET', url: `/v1/findings/${finding.id}`, headers: member });
        expect(one.statusCode).toBe(200);
        expect(finding).toEqual(one.json());
        ids.push(finding.id as string);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('opens, closes, reopens, refuses an older inventory, suppresses and restores', async () => {
    const first = await push('2026-11-01T10:00:00Z', [{ name: 'lodash', version: '4.17.20' }]);
    expect(first.statusCode, first.body).toBe(200);
    const active = await search();
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((f) => f.package.name === 'lodash')).toBe(true);
    expect(active.map((f) => f.vulnerabilityId)).toContain('CVE-2021-23337');
    expect(first.json()).toMatchObject({ packages: 1, created: active.length, closed: 0 });
    const lodash = active.find((f) => f.package.name === 'lodash')!;
    expect(lodash).toMatchObject({ status: 'ACTIVE', resourceId, resourceType: 'HOST', accountId: service.alice.accountId, fixAvailable: 'YES', fixedInVersion: '4.17.21' });
    expect(lodash.vigilScore === null || typeof lodash.vigilScore.score === 'number').toBe(true);

    const upgraded = await push('2026-11-02T10:00:00Z', [{ name: 'lodash', version: '4.17.21' }]);
    expect(upgraded.json()).toMatchObject({ created: 0, closed: active.length });
    expect(await search()).toEqual([]);
    const closed = await search({ findingStatus: [{ comparison: 'EQUALS', value: 'CLOSED' }] });
    expect(closed.map((f) => f.id).sort()).toEqual(active.map((f) => f.id).sort());

    const downgraded = await push('2026-11-03T10:00:00Z', [{ name: 'lodash', version: '4.17.20' }]);
    expect(downgraded.json()).toMatchObject({ created: 0, reopened: active.length });
    const reopened = await search();
    expect(reopened.map((f) => f.id).sort()).toEqual(active.map((f) => f.id).sort());
    expect(reopened.every((f) => f.status === 'ACTIVE')).toBe(true);

    const stale = await push('2026-10-01T10:00:00Z', []);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('STALE_INVENTORY');
    expect((await search()).length).toBe(active.length);

    const rule = await service.app.inject({
      method: 'POST',
      url: '/v1/filters',
      headers: member,
      payload: { name: 'accepted risk', action: 'SUPPRESS', reason: 'not reachable', criteria: { vulnerabilityId: [{ comparison: 'PREFIX', value: 'CVE-2021-' }] } },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await service.settle();
    expect(await search()).toEqual([]);
    const suppressed = await search({ findingStatus: [{ comparison: 'EQUALS', value: 'SUPPRESSED' }] });
    expect(suppressed.map((f) => f.id).sort()).toEqual(active.map((f) => f.id).sort());

    const removed = await service.app.inject({ method: 'DELETE', url: `/v1/filters/${rule.json().id}`, headers: member });
    expect(removed.statusCode).toBe(204);
    await service.settle();
    expect((await search()).map((f) => f.id).sort()).toEqual(active.map((f) => f.id).sort());

    const events = await service.app.inject({ method: 'GET', url: '/v1/events', headers: member });
    if (events.statusCode === 200) {
      const types = (events.json().events as Array<{ type: string }>).map((e) => e.type);
      for (const type of ['FINDING_CREATED', 'FINDING_CLOSED', 'FINDING_REOPENED', 'FINDING_SUPPRESSED', 'FINDING_UNSUPPRESSED']) expect(types).toContain(type);
    }
  });

  it('applies two inventories pushed at once one after the other', async () => {
    // The older one (vulnerable lodash) and the newer one (fixed lodash) race; whatever the order
    // they arrive in, the newer one wins and the findings agree with it.
    const [older, newer] = await Promise.all([
      push('2026-11-01T10:00:00Z', [{ name: 'lodash', version: '4.17.20' }]),
      push('2026-11-01T11:00:00Z', [{ name: 'lodash', version: '4.17.21' }]),
    ]);
    expect(newer.statusCode, newer.body).toBe(200);
    expect([200, 409]).toContain(older.statusCode);
    expect(await search()).toEqual([]);
    const resource = await service.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}`, headers: member });
    expect(resource.json().inventoryTimestamp).toBe('2026-11-01T11:00:00.000Z');
    if (older.statusCode === 200) {
      // It went first: its findings were opened, then closed by the newer push.
      const closed = await search({ findingStatus: [{ comparison: 'EQUALS', value: 'CLOSED' }] });
      expect(closed.length).toBe(older.json().created);
    }
  });

  it('finds a vulnerability published while it runs, without a push', async () => {
    expect((await push('2026-11-01T10:00:00Z', [{ name: 'minimist', version: '1.2.5' }])).json()).toMatchObject({ created: 0 });
    expect(await search()).toEqual([]);

    // `vigil db import` builds the new file beside the old one and renames it over.
    const next = buildTestDb([...fixtureAdvisories(), minimistAdvisory]);
    next.reader.close();
    renameSync(next.path, service.vulndbPath);

    const found = await until(async () => {
      await service.settle();
      const findings = await search();
      return findings.length > 0 ? findings : undefined;
    }, 'the re-evaluation to open the minimist finding');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ vulnerabilityId: 'CVE-2021-44906', status: 'ACTIVE', resourceId, package: { name: 'minimist', version: '1.2.5' }, fixedInVersion: '1.2.6' });
    next.dispose();
  });
});
