import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../../test/harness/service.js';

/** A folder with an npm lockfile holding lodash 4.17.20, which GHSA-35jh-r3h4-6jhm affects. */
const npmApp = fileURLToPath(new URL('../../../test/fixtures/api/npm-app', import.meta.url));

describe('/v1/scans', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  const post = (body: unknown, key = service.alice.keys.member) =>
    service.app.inject({ method: 'POST', url: '/v1/scans', headers: service.auth(key), payload: body as object });
  const get = (id: string, key = service.alice.keys['read-only']) => service.app.inject({ method: 'GET', url: `/v1/scans/${id}`, headers: service.auth(key) });
  const resourceCount = async () => (await service.store.listResources(service.alice.accountId, { limit: 1000 })).items.length;

  it('scans a folder for a new resource as a job: 202, then SUCCEEDED, and its findings are searchable', async () => {
    const accepted = await post({ target: `dir:${npmApp}`, resource: { type: 'HOST', name: 'build-agent-1', tags: { team: 'shop' } } });
    expect(accepted.statusCode).toBe(202);
    const { scanId, resourceId, status } = accepted.json();
    expect(status).toBe('QUEUED');
    expect(accepted.headers.location).toBe(`/v1/scans/${scanId}`);
    expect((await service.store.getResource(service.alice.accountId, resourceId))?.name).toBe('build-agent-1');

    await service.settle();
    const scan = (await get(scanId)).json();
    expect(scan).toMatchObject({ id: scanId, resourceId, accountId: service.alice.accountId, target: `dir:${npmApp}`, status: 'SUCCEEDED', attempts: 1, error: null });
    expect(scan.result.packages).toBeGreaterThanOrEqual(1);
    expect(scan.result.created).toBeGreaterThanOrEqual(1);
    expect(Date.parse(scan.finishedAt)).toBeGreaterThanOrEqual(Date.parse(scan.startedAt));

    const search = await service.app.inject({
      method: 'POST',
      url: '/v1/findings/search',
      headers: service.auth(service.alice.keys['read-only']),
      payload: { filterCriteria: { resourceId: [{ comparison: 'EQUALS', value: resourceId }] } },
    });
    expect(search.statusCode).toBe(200);
    const findings = search.json().findings as Array<{ vulnerabilityId: string; aliases: string[]; package: { name: string; version: string }; status: string }>;
    expect(findings.map((f) => `${f.package.name}@${f.package.version} ${f.status}`)).toContain('lodash@4.17.20 ACTIVE');
    expect(findings.some((f) => [f.vulnerabilityId, ...f.aliases].includes('GHSA-35jh-r3h4-6jhm'))).toBe(true);
  });

  it("scans an existing resource of the caller's", async () => {
    const resource = await service.store.createResource({ accountId: service.alice.accountId, region: 'eu-west-1', type: 'HOST', name: 'existing', details: {} });
    const accepted = await post({ target: npmApp, resource: { id: resource.id } });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json().resourceId).toBe(resource.id);
    await service.settle();
    expect((await get(accepted.json().scanId)).json().status).toBe('SUCCEEDED');
  });

  it('reports a target that does not exist as a FAILED scan, not a refused request', async () => {
    const accepted = await post({ target: '/nonexistent/vigil-scan-target', resource: { type: 'HOST', name: 'ghost' } });
    expect(accepted.statusCode).toBe(202);
    await service.settle();
    const scan = (await get(accepted.json().scanId)).json();
    expect(scan.status).toBe('FAILED');
    expect(scan.result).toBeNull();
    expect(scan.error).toMatch(/vigil-scan-target/);
  });

  it.each([
    ['an empty target', '', 'VALIDATION_FAILED'],
    ['blank', '   ', 'INVALID_TARGET'],
    ['a relative path', 'srv/app', 'INVALID_TARGET'],
    ['a prefix with no path', 'oci-archive:', 'INVALID_TARGET'],
    ['a prefix with a relative path', 'zip:fn.zip', 'INVALID_TARGET'],
    ['a registry reference', 'docker.io/library/nginx:latest', 'INVALID_TARGET'],
    ['a URL', 'https://example.com/image.tar', 'INVALID_TARGET'],
    ['a control character', '/srv/app\u0000/etc', 'INVALID_TARGET'],
    ['a newline', '/srv/app\n', 'INVALID_TARGET'],
    ['an overlong path', `/${'a'.repeat(5000)}`, 'VALIDATION_FAILED'],
  ])('refuses %s with 400 and stores nothing', async (_name, target, code) => {
    const before = await resourceCount();
    const refused = await post({ target, resource: { type: 'HOST', name: 'never-created' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe(code);
    expect(await resourceCount()).toBe(before);
  });

  it.each([
    ['no resource', { target: '/srv' }],
    ['an unknown key', { target: '/srv', resource: { type: 'HOST', name: 'x' }, priority: 'high' }],
    ['an id together with new-resource fields', { target: '/srv', resource: { id: 'r', name: 'x', type: 'HOST' } }],
    ['an unknown resource type', { target: '/srv', resource: { type: 'DATABASE', name: 'x' } }],
    ['an image without its details', { target: '/srv', resource: { type: 'CONTAINER_IMAGE', name: 'x' } }],
  ])('refuses a body with %s', async (_name, body) => {
    const before = await resourceCount();
    const refused = await post(body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    expect(await resourceCount()).toBe(before);
  });

  it("answers 404 for a resource that does not exist or is another account's, and queues nothing", async () => {
    const bobs = await service.store.createResource({ accountId: service.bob.accountId, region: 'eu-west-1', type: 'HOST', name: 'bobs', details: {} });
    for (const id of ['no-such-resource', bobs.id]) {
      const refused = await post({ target: '/srv', resource: { id } });
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.code).toBe('RESOURCE_NOT_FOUND');
    }
    expect((await service.store.listUnfinishedScans()).filter((s) => s.resourceId === bobs.id)).toEqual([]);
  });

  it("hides one account's scans from another, and a read-only key cannot start one", async () => {
    const accepted = await post({ target: npmApp, resource: { type: 'HOST', name: 'private' } });
    const { scanId } = accepted.json();
    const asBob = await get(scanId, service.bob.keys.admin);
    expect(asBob.statusCode).toBe(404);
    expect(asBob.json().error.code).toBe('SCAN_NOT_FOUND');
    expect(asBob.body).not.toContain(service.alice.accountId);

    const readOnly = await post({ target: npmApp, resource: { type: 'HOST', name: 'x' } }, service.alice.keys['read-only']);
    expect(readOnly.statusCode).toBe(403);
    await service.settle();
  });

  it('answers 404 SCAN_NOT_FOUND for an unknown id', async () => {
    const missing = await get('scan-that-never-was');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'SCAN_NOT_FOUND', message: 'scan scan-that-never-was does not exist' } });
  });
});

describe('/v1/scans under scan roots', () => {
  let service: TestService;
  let root: string;
  beforeAll(async () => {
    // A root holding a copy of nothing but links: one into the fixture (outside the root) and one to /etc.
    root = mkdtempSync(join(tmpdir(), 'vigil-scan-root-'));
    mkdirSync(join(root, 'apps'));
    symlinkSync('/etc', join(root, 'apps', 'etc'));
    service = await startTestService({ scanRoots: [npmApp, join(root, 'apps')] });
  });
  afterAll(async () => {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  });

  const post = (body: unknown, svc = service) => svc.app.inject({ method: 'POST', url: '/v1/scans', headers: svc.auth(svc.alice.keys.member), payload: body as object });
  const resourceCount = async () => (await service.store.listResources(service.alice.accountId, { limit: 1000 })).items.length;

  it('scans a path under a root, and refuses one outside, or reached through a link leading out, with 403 and nothing stored', async () => {
    expect((await post({ target: `dir:${npmApp}`, resource: { type: 'HOST', name: 'inside' } })).statusCode).toBe(202);
    const before = await resourceCount();
    for (const target of ['/etc', `${npmApp}/../..`, join(root, 'apps', 'etc'), `oci-archive:${join(root, 'apps', 'etc', 'hostname')}`]) {
      const refused = await post({ target, resource: { type: 'HOST', name: 'outside' } });
      expect(refused.statusCode, target).toBe(403);
      expect(refused.json().error.code).toBe('SCAN_TARGET_NOT_ALLOWED');
    }
    expect(await resourceCount()).toBe(before);
    await service.settle();
  });

  it('scans no path at all when started without roots', async () => {
    const closed = await startTestService({ scanRoots: [] });
    try {
      const refused = await post({ target: `dir:${npmApp}`, resource: { type: 'HOST', name: 'x' } }, closed);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toMatch(/--scan-root/);
    } finally {
      await closed.close();
    }
  });
});
