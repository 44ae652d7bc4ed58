import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDx, vulnerableHost } from '../../../test/api/documents.js';
import { startTestService, type TestService, type TestAccount } from '../../../test/harness/service.js';
import { asId } from '../../store/index.js';

describe('GET /v1/events', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  const events = (query: string, key = service.alice.keys['read-only']) => service.app.inject({ method: 'GET', url: `/v1/events${query}`, headers: service.auth(key) });

  /** A host of the account with the vulnerable inventory pushed: its findings are created, with their events. */
  async function hostWithFindings(account: TestAccount, name: string): Promise<string> {
    const created = await service.app.inject({ method: 'POST', url: '/v1/resources', headers: service.auth(account.keys.member), payload: { type: 'HOST', name } });
    const resourceId = created.json().id as string;
    const pushed = await service.app.inject({
      method: 'PUT',
      url: `/v1/resources/${resourceId}/inventory`,
      headers: { ...service.auth(account.keys.member), 'content-type': 'application/vnd.cyclonedx+json' },
      payload: cycloneDx(vulnerableHost()),
    });
    expect(pushed.statusCode).toBe(200);
    return resourceId;
  }

  it("reads the caller's account's events in order, page by page, and never another's", async () => {
    const aliceHost = await hostWithFindings(service.alice, 'alice-web');
    await hostWithFindings(service.bob, 'bob-web');
    const aliceHost2 = await hostWithFindings(service.alice, 'alice-db');

    const all = (await events('?maxResults=1000')).json();
    expect(all.events.length).toBeGreaterThanOrEqual(4);
    const seqs = all.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all.nextCursor).toBe(String(seqs.at(-1)));
    const subjects = all.events.map((e: { subjectId: string }) => e.subjectId);
    const aliceFindings = (await service.store.listFindingsForResource(asId('ResourceId', aliceHost))).map((f) => f.id as string);
    expect(subjects).toEqual(expect.arrayContaining(aliceFindings));
    for (const event of all.events) {
      expect(event).toEqual({ seq: expect.any(Number), type: expect.any(String), subjectId: expect.any(String), payload: expect.anything(), createdAt: expect.any(String) });
    }
    expect(JSON.stringify(all)).not.toContain(service.bob.accountId);
    expect(JSON.stringify(all)).toContain(aliceHost2);

    // Two at a time, following nextCursor, gives the same events and then an empty page with the same cursor.
    const paged: number[] = [];
    let cursor = '0';
    for (;;) {
      const page = (await events(`?after=${cursor}&maxResults=2`)).json();
      expect(page.events.length).toBeLessThanOrEqual(2);
      paged.push(...page.events.map((e: { seq: number }) => e.seq));
      if (page.events.length === 0) {
        expect(page.nextCursor).toBe(cursor);
        break;
      }
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(seqs);

    const bobs = (await events('?maxResults=1000', service.bob.keys.admin)).json();
    expect(bobs.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(bobs)).not.toContain(service.alice.accountId);
    expect(JSON.stringify(bobs)).not.toContain(aliceHost);
    expect(bobs.events.map((e: { subjectId: string }) => e.subjectId)).not.toEqual(expect.arrayContaining([aliceFindings[0]]));
  });

  it('answers an empty page past the end, keeping the cursor', async () => {
    const page = (await events('?after=999999999')).json();
    expect(page).toEqual({ events: [], nextCursor: '999999999' });
  });

  it.each(['?after=-1', '?after=abc', '?after=1e3', '?maxResults=0', '?maxResults=1001', '?limit=5'])('refuses %s with 400', async (query) => {
    const answer = await events(query);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('VALIDATION_FAILED');
  });
});
