import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDx, spdx, vulnerableHost } from '../../../test/api/documents.js';
import { startTestService, type TestService } from '../../../test/harness/service.js';
import { renderJson } from '../../report/json.js';
import { readSbom } from '../../sbom/index.js';
import { scanInventory } from '../../scan/scan-target.js';
import { DEFAULT_BODY_LIMIT } from '../app.js';
import { SCAN_SBOM_BODY_LIMIT } from './scan-sbom.js';

describe('POST /v1/scan-sbom', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  const scan = (payload: string, contentType = 'application/json', key = service.alice.keys['read-only']) =>
    service.app.inject({ method: 'POST', url: '/v1/scan-sbom', headers: { ...service.auth(key), 'content-type': contentType }, payload });

  /** Everything the service keeps for alice: none of it may change. */
  const stored = async () => ({
    resources: (await service.store.listResources(service.alice.accountId, { limit: 1000 })).items.length,
    findings: await service.store.countFindings(),
    events: (await service.store.eventsAfter(0, 1000)).length,
  });

  it('answers exactly what `vigil scan --format json` prints for the same SBOM, and stores nothing', async () => {
    const before = await stored();
    const document = cycloneDx(vulnerableHost('2025-01-02T03:04:05.000Z'));
    const answer = await scan(document);
    expect(answer.statusCode).toBe(200);
    const cli = JSON.parse(renderJson(scanInventory(readSbom(document), service.ctx.vulndb.current())));
    expect(answer.json()).toEqual(cli);
    const ids = (answer.json().findings as Array<{ vulnerabilityId: string; aliases: string[]; package: { name: string } }>).map((f) => `${f.package.name} ${[f.vulnerabilityId, ...f.aliases].join(' ')}`);
    expect(ids.some((line) => line.startsWith('openssl') && line.includes('CVE-2023-5363'))).toBe(true);
    expect(ids.some((line) => line.startsWith('lodash') && line.includes('GHSA-35jh-r3h4-6jhm'))).toBe(true);
    expect(answer.json().os).toEqual({ id: 'debian', version: '12' });
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['CycloneDX as application/vnd.cyclonedx+json', () => cycloneDx(vulnerableHost()), 'application/vnd.cyclonedx+json; version=1.6'],
    ['SPDX as application/spdx+json', () => spdx(vulnerableHost()), 'application/spdx+json'],
    ['SPDX as application/json', () => spdx(vulnerableHost()), 'application/json; charset=utf-8'],
  ])('reads %s', async (_name, document, contentType) => {
    const answer = await scan(document(), contentType);
    expect(answer.statusCode).toBe(200);
    expect(answer.json().summary).toMatchObject({ CRITICAL: expect.any(Number), HIGH: expect.any(Number) });
    expect(answer.json().findings.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['text that is not JSON', '{"bomFormat": "CycloneDX", '],
    ['JSON that is not an SBOM', '{"hello": "world"}'],
    ['a JSON array', '[1, 2, 3]'],
    ['an SBOM of an unsupported version', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.1', components: [] })],
  ])('refuses %s with 400 INVALID_SBOM and stores nothing', async (_name, body) => {
    const before = await stored();
    const answer = await scan(body);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('INVALID_SBOM');
    expect(await stored()).toEqual(before);
  });

  it('refuses an empty body', async () => {
    const answer = await scan('');
    expect(answer.statusCode).toBe(400);
    expect(['INVALID_SBOM', 'MALFORMED_JSON', 'VALIDATION_FAILED']).toContain(answer.json().error.code);
  });

  it('takes text/plain too: the content decides', async () => {
    expect((await scan(cycloneDx(vulnerableHost()), 'text/plain')).statusCode).toBe(200);
  });

  it('refuses another media type with 415', async () => {
    const answer = await scan(cycloneDx(vulnerableHost()), 'application/xml');
    expect(answer.statusCode).toBe(415);
    expect(answer.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it("takes bodies beyond the app's default limit (no cap of Vigil's own)", async () => {
    // Valid JSON padded past 32 MiB with whitespace: the route's own limit applies, not the app's.
    const document = cycloneDx(vulnerableHost()).trimEnd() + ' '.repeat(DEFAULT_BODY_LIMIT + 1024);
    const answer = await scan(document);
    expect(answer.statusCode).toBe(200);
    expect(answer.json().findings.length).toBeGreaterThanOrEqual(2);
  });

  it("answers 413 beyond V8's longest string", async () => {
    expect(SCAN_SBOM_BODY_LIMIT).toBeGreaterThanOrEqual(512 * 1024 * 1024 - 64);
    const answer = await service.app.inject({
      method: 'POST',
      url: '/v1/scan-sbom',
      headers: { ...service.auth(service.alice.keys['read-only']), 'content-type': 'application/json', 'content-length': String(SCAN_SBOM_BODY_LIMIT + 1) },
      payload: '{}',
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('needs a key', async () => {
    const answer = await service.app.inject({ method: 'POST', url: '/v1/scan-sbom', headers: { 'content-type': 'application/json' }, payload: cycloneDx(vulnerableHost()) });
    expect(answer.statusCode).toBe(401);
  });
});
