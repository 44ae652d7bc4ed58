import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDx, debian12, npmPackage, vulnerableHost, type InventoryShape } from '../../../test/api/documents.js';
import { startTestService, type TestAccount, type TestService } from '../../../test/harness/service.js';
import { STALE_INVENTORY_DAYS_SETTING } from '../../service/coverage.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

interface Covered {
  resourceId: string;
  accountId: string;
  resourceType: string;
  scanType: string;
  scanStatus: { statusCode: string; reason: string };
  lastScannedAt: string | null;
  resourceMetadata: { name: string; tags: Record<string, string>; details: Record<string, unknown>; inventory: { timestamp: string; packages: number; os: { id: string; version: string | null } | null } | null };
}

describe('/v1/coverage', () => {
  let service: TestService;
  const ids: Record<string, string> = {};

  const call = (url: string, key = service.alice.keys['read-only']) => service.app.inject({ method: 'GET', url, headers: service.auth(key) });
  const createResource = async (account: TestAccount, body: object) => {
    const created = await service.app.inject({ method: 'POST', url: '/v1/resources', headers: service.auth(account.keys.member), payload: body });
    expect(created.statusCode).toBe(201);
    return created.json().id as string;
  };
  const push = async (account: TestAccount, resourceId: string, shape: InventoryShape) => {
    const pushed = await service.app.inject({
      method: 'PUT',
      url: `/v1/resources/${resourceId}/inventory`,
      headers: { ...service.auth(account.keys.member), 'content-type': 'application/json' },
      payload: cycloneDx(shape),
    });
    expect(pushed.statusCode).toBe(200);
  };
  const coverageOf = async (key?: string): Promise<Map<string, Covered>> => {
    const all: Covered[] = [];
    let token: string | undefined;
    do {
      const page = await call(`/v1/coverage?maxResults=2${token ? `&nextToken=${token}` : ''}`, key);
      expect(page.statusCode).toBe(200);
      all.push(...page.json().coveredResources);
      token = page.json().nextToken;
    } while (token);
    return new Map(all.map((c) => [c.resourceMetadata.name, c]));
  };

  beforeAll(async () => {
    service = await startTestService();
    const { alice, bob } = service;
    ids.pending = await createResource(alice, { type: 'HOST', name: 'pending' });
    ids.successful = await createResource(alice, { type: 'HOST', name: 'successful', details: { platform: 'linux/amd64' } });
    await push(alice, ids.successful, vulnerableHost());
    ids.empty = await createResource(alice, { type: 'FUNCTION', name: 'empty', details: { runtime: 'nodejs20.x', layers: [] } });
    await push(alice, ids.empty, { packages: [] });
    ids.stale = await createResource(alice, { type: 'CONTAINER_IMAGE', name: 'stale', details: { repository: 'shop/web', tags: ['1.0'] } });
    await push(alice, ids.stale, vulnerableHost(daysAgo(10)));
    ids.unsupported = await createResource(alice, { type: 'HOST', name: 'unsupported' });
    await push(alice, ids.unsupported, { distro: { id: 'arch', idLike: [], source: '/etc/os-release' }, packages: [npmPackage('lodash', '4.17.20')] });
    ids.excluded = await createResource(alice, { type: 'HOST', name: 'excluded', tags: { VigilExclusion: 'true', team: 'ops' } });
    await push(alice, ids.excluded, vulnerableHost());
    ids.deleted = await createResource(alice, { type: 'HOST', name: 'deleted' });
    expect((await service.app.inject({ method: 'DELETE', url: `/v1/resources/${ids.deleted}`, headers: service.auth(alice.keys.member) })).statusCode).toBe(200);
    ids.bobs = await createResource(bob, { type: 'HOST', name: 'bobs' });
    await push(bob, ids.bobs, vulnerableHost());
  });
  afterAll(async () => {
    await service.close();
  });

  it('gives every undeleted resource of the account its status and reason, page by page', async () => {
    const coverage = await coverageOf();
    expect([...coverage.keys()].sort()).toEqual(['empty', 'excluded', 'pending', 'stale', 'successful', 'unsupported']);
    const statuses = Object.fromEntries([...coverage].map(([name, c]) => [name, `${c.scanStatus.statusCode} ${c.scanStatus.reason}`]));
    expect(statuses).toEqual({
      pending: 'ACTIVE PENDING_INITIAL_SCAN',
      successful: 'ACTIVE SUCCESSFUL',
      empty: 'INACTIVE NO_INVENTORY',
      stale: 'INACTIVE STALE_INVENTORY',
      unsupported: 'INACTIVE UNSUPPORTED_OS',
      excluded: 'INACTIVE EXCLUDED_BY_TAG',
    });
  });

  it('shows the resource, when it was last scanned and what its inventory holds', async () => {
    const coverage = await coverageOf();
    const successful = coverage.get('successful')!;
    expect(successful).toMatchObject({
      resourceId: ids.successful,
      accountId: service.alice.accountId,
      resourceType: 'HOST',
      scanType: 'PACKAGE',
      resourceMetadata: { name: 'successful', tags: {}, details: { platform: 'linux/amd64' }, inventory: { packages: 3, os: { id: 'debian', version: '12' } } },
    });
    expect(Date.parse(successful.lastScannedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(coverage.get('pending')).toMatchObject({ lastScannedAt: null, resourceMetadata: { inventory: null } });
    expect(coverage.get('stale')!.resourceMetadata).toMatchObject({ details: { repository: 'shop/web', tags: ['1.0'] }, inventory: { packages: 3 } });
    expect(Date.parse(coverage.get('stale')!.resourceMetadata.inventory!.timestamp)).toBeLessThan(Date.now() - 9 * 86_400_000);
    expect(coverage.get('excluded')!.resourceMetadata.tags).toEqual({ VigilExclusion: 'true', team: 'ops' });
    expect(coverage.get('unsupported')!.resourceMetadata.inventory!.os).toEqual({ id: 'arch', version: null });
  });

  it('filters by resource type', async () => {
    const page = (await call('/v1/coverage?resourceType=FUNCTION')).json();
    expect(page.coveredResources.map((c: Covered) => c.resourceMetadata.name)).toEqual(['empty']);
  });

  it('counts by status code, reason and resource type', async () => {
    const stats = await call('/v1/coverage/statistics');
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toEqual({
      totalCounts: 6,
      statusCodes: { ACTIVE: 2, INACTIVE: 4 },
      reasons: { PENDING_INITIAL_SCAN: 1, SUCCESSFUL: 1, NO_INVENTORY: 1, STALE_INVENTORY: 1, UNSUPPORTED_OS: 1, EXCLUDED_BY_TAG: 1 },
      resourceTypes: { HOST: 4, CONTAINER_IMAGE: 1, FUNCTION: 1 },
      staleInventoryDays: 7,
    });
  });

  it("shows another account only its own resources", async () => {
    const bobs = await coverageOf(service.bob.keys.admin);
    expect([...bobs.keys()]).toEqual(['bobs']);
    const body = JSON.stringify([...bobs.values()]);
    for (const id of Object.values(ids).filter((id) => id !== ids.bobs)) expect(body).not.toContain(id);
    expect(body).not.toContain(service.alice.accountId);
    expect((await call('/v1/coverage/statistics', service.bob.keys['read-only'])).json().totalCounts).toBe(1);
  });

  it('follows a new inventory at once (the remembered summary belongs to the old one)', async () => {
    await push(service.alice, ids.empty!, { distro: debian12, packages: [npmPackage('lodash', '4.17.21')] });
    expect((await coverageOf()).get('empty')!.scanStatus).toEqual({ statusCode: 'ACTIVE', reason: 'SUCCESSFUL' });
    await push(service.alice, ids.empty!, { packages: [] });
    expect((await coverageOf()).get('empty')!.scanStatus).toEqual({ statusCode: 'INACTIVE', reason: 'NO_INVENTORY' });
  });

  it('takes the stale age from the stored setting', async () => {
    await service.store.putSetting(STALE_INVENTORY_DAYS_SETTING, '30');
    try {
      expect((await coverageOf()).get('stale')!.scanStatus.reason).toBe('SUCCESSFUL');
      expect((await call('/v1/coverage/statistics')).json()).toMatchObject({ staleInventoryDays: 30, reasons: { STALE_INVENTORY: 0, SUCCESSFUL: 2 } });
    } finally {
      await service.store.putSetting(STALE_INVENTORY_DAYS_SETTING, '7');
    }
  });

  it.each(['?maxResults=0', '?maxResults=201', '?resourceType=DATABASE', '?status=ACTIVE'])('refuses %s with 400', async (query) => {
    const answer = await call(`/v1/coverage${query}`);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('VALIDATION_FAILED');
  });
});
