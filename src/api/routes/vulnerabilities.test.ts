import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../../test/harness/service.js';
import { describeVulnerability } from '../../vulndb/describe.js';

describe('GET /v1/vulnerabilities/{id}', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  const get = (id: string, key = service.bob.keys['read-only']) =>
    service.app.inject({ method: 'GET', url: `/v1/vulnerabilities/${encodeURIComponent(id)}`, headers: service.auth(key) });

  it.each(['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', ' CVE-2021-23337 '])('answers what `vigil db search --json` prints for %s', async (id) => {
    const answer = await get(id);
    expect(answer.statusCode).toBe(200);
    const entry = describeVulnerability(service.ctx.vulndb.current(), id)!;
    expect(answer.json()).toEqual(JSON.parse(JSON.stringify(entry)));
    expect(answer.json()).toMatchObject({ id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'] });
    expect(answer.json().advisories).toEqual(expect.arrayContaining(['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm']));
    expect(answer.json().affected.map((a: { ecosystem: string; name: string }) => `${a.ecosystem}/${a.name}`)).toContain('npm/lodash');
  });

  it('resolves a distribution advisory through its alias (DSA → CVE)', async () => {
    const answer = await get('DSA-5532-1');
    expect(answer.statusCode).toBe(200);
    expect(answer.json().id).toBe('CVE-2023-5363');
    expect(answer.json().aliases).toEqual(expect.arrayContaining(['DSA-5532-1', 'ALPINE-CVE-2023-5363']));
  });

  it('says plainly that an unknown id is not there', async () => {
    const answer = await get('CVE-1999-99999');
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual({ error: { code: 'VULNERABILITY_NOT_FOUND', message: 'CVE-1999-99999 is not in the vulnerability database' } });
  });

  it('needs a key, though the data is the same for every account', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/v1/vulnerabilities/CVE-2021-23337' })).statusCode).toBe(401);
    expect((await get('CVE-2021-23337', service.alice.keys.admin)).json()).toEqual((await get('CVE-2021-23337', service.bob.keys['read-only'])).json());
  });
});
