/**
 * Every route of the app × every credential (no key, a wrong key, a revoked key, read-only, member,
 * admin) × the caller's own ids and the other account's: the status each must answer, and that no
 * answer to one account's key ever holds the other account's ids or names.
 *
 * The routes come from the app itself (`printRoutes`), so a route added without a row here fails
 * the first test; a row whose route is gone fails it too. The table is data: a route, its least
 * role, how to make a valid request for an owner's ids, and what success and a foreign id answer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/api/auth.js';
import { asId, type AccountId, type ApiKeyRole } from '../../src/store/index.js';
import { startTestService, type TestAccount, type TestService } from '../harness/service.js';
import { cycloneDx, vulnerableHost } from './documents.js';

type AccountName = 'alice' | 'bob';
type Credential = 'no key' | 'wrong key' | 'revoked key' | ApiKeyRole;
const credentials: Credential[] = ['no key', 'wrong key', 'revoked key', 'read-only', 'member', 'admin'];
const rank: Record<ApiKeyRole, number> = { 'read-only': 0, member: 1, admin: 2 };

interface Request {
  url: string;
  payload?: string | object;
  headers?: Record<string, string>;
}

/** What one account owns, for requests that name ids; fresh ones for requests that use theirs up. */
interface Owned {
  account: TestAccount;
  resourceId: string;
  findingId: string;
  filterId: string;
  scanId: string;
  freshResource(): Promise<string>;
  freshFilter(): Promise<string>;
}

interface Row {
  /** 'public': no key needed (its answer is the same for anyone). */
  access: 'public' | ApiKeyRole;
  /** A valid request, naming `owner`'s ids where the route takes ids. */
  request(owner: Owned): Promise<Request> | Request;
  /** The status a permitted caller gets for its own ids (or for a route without ids). */
  ok: number;
  /** The status for the other account's ids; absent for routes that name no account's ids. */
  foreign?: number;
  /** Further checks on a permitted answer. */
  check?(body: string, own: boolean): void;
}

const sbomHeaders = { 'content-type': 'application/vnd.cyclonedx+json' };
const MISSING_TARGET = '/nonexistent/vigil-authorization-matrix';

/** Every route of the app, by "METHOD /path" with the path as registered (trailing slash dropped). */
const table: Record<string, Row> = {
  'GET /healthz': { access: 'public', request: () => ({ url: '/healthz' }), ok: 200 },
  'GET /openapi.json': { access: 'public', request: () => ({ url: '/openapi.json' }), ok: 200 },
  'GET /metrics': { access: 'read-only', request: () => ({ url: '/metrics' }), ok: 200 },

  'POST /v1/resources': { access: 'member', request: () => ({ url: '/v1/resources', payload: { type: 'HOST', name: `matrix-${randomUUID()}` } }), ok: 201 },
  'GET /v1/resources': { access: 'read-only', request: () => ({ url: '/v1/resources' }), ok: 200 },
  'GET /v1/resources/:id': { access: 'read-only', request: (o) => ({ url: `/v1/resources/${o.resourceId}` }), ok: 200, foreign: 404 },
  'DELETE /v1/resources/:id': { access: 'member', request: async (o) => ({ url: `/v1/resources/${await o.freshResource()}` }), ok: 200, foreign: 404 },
  'PUT /v1/resources/:id/inventory': {
    access: 'member',
    request: async (o) => ({ url: `/v1/resources/${await o.freshResource()}/inventory`, payload: cycloneDx(vulnerableHost()), headers: sbomHeaders }),
    ok: 200,
    foreign: 404,
  },

  'POST /v1/findings/search': {
    access: 'read-only',
    // Criteria naming the owner's resource: the owner finds its findings, anyone else nothing.
    request: (o) => ({ url: '/v1/findings/search', payload: { filterCriteria: { resourceId: [{ comparison: 'EQUALS', value: o.resourceId }] } } }),
    ok: 200,
    foreign: 200,
    check: (body, own) => expect(JSON.parse(body).findings.length > 0).toBe(own),
  },
  'POST /v1/findings/aggregations': {
    access: 'read-only',
    request: (o) => ({ url: '/v1/findings/aggregations', payload: { aggregationType: 'RESOURCE', filterCriteria: { resourceId: [{ comparison: 'EQUALS', value: o.resourceId }] } } }),
    ok: 200,
    foreign: 200,
    check: (body, own) => expect(JSON.parse(body).responses.length > 0).toBe(own),
  },
  'GET /v1/findings/:id': { access: 'read-only', request: (o) => ({ url: `/v1/findings/${o.findingId}` }), ok: 200, foreign: 404 },

  'POST /v1/filters': { access: 'member', request: () => ({ url: '/v1/filters', payload: { name: `matrix-${randomUUID()}`, criteria: {}, action: 'NONE' } }), ok: 201 },
  'GET /v1/filters': { access: 'read-only', request: () => ({ url: '/v1/filters' }), ok: 200 },
  'GET /v1/filters/:id': { access: 'read-only', request: (o) => ({ url: `/v1/filters/${o.filterId}` }), ok: 200, foreign: 404 },
  'PUT /v1/filters/:id': { access: 'member', request: async (o) => ({ url: `/v1/filters/${await o.freshFilter()}`, payload: { reason: 'matrix' } }), ok: 200, foreign: 404 },
  'DELETE /v1/filters/:id': { access: 'member', request: async (o) => ({ url: `/v1/filters/${await o.freshFilter()}` }), ok: 204, foreign: 404 },

  'POST /v1/scans': { access: 'member', request: (o) => ({ url: '/v1/scans', payload: { target: MISSING_TARGET, resource: { id: o.resourceId } } }), ok: 202, foreign: 404 },
  'GET /v1/scans/:id': { access: 'read-only', request: (o) => ({ url: `/v1/scans/${o.scanId}` }), ok: 200, foreign: 404 },
  'POST /v1/scan-sbom': { access: 'read-only', request: () => ({ url: '/v1/scan-sbom', payload: cycloneDx(vulnerableHost()), headers: sbomHeaders }), ok: 200 },
  'GET /v1/vulnerabilities/:id': { access: 'read-only', request: () => ({ url: '/v1/vulnerabilities/CVE-2021-23337' }), ok: 200 },
  'GET /v1/events': { access: 'read-only', request: () => ({ url: '/v1/events?maxResults=1000' }), ok: 200 },
  'GET /v1/coverage': { access: 'read-only', request: () => ({ url: '/v1/coverage?maxResults=200' }), ok: 200 },
  'GET /v1/coverage/statistics': { access: 'read-only', request: () => ({ url: '/v1/coverage/statistics' }), ok: 200 },
};

/**
 * The routes `printRoutes({ commonPrefix: false })` draws as a tree: one node a line, its depth
 * given by its indentation (4 characters a level), its methods in brackets.
 */
function routesOf(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + node[2]!;
    stack.push(path);
    for (const method of (node[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      routes.push(`${method} ${path.length > 1 ? path.replace(/\/$/, '') : path}`);
    }
  }
  return [...new Set(routes)].sort();
}

describe('authorisation: every route × every credential × own and foreign ids', () => {
  let service: TestService;
  const owned = {} as Record<AccountName, Owned>;
  const revoked = {} as Record<AccountName, string>;
  /** Strings that identify an account's data: its id, and the ids and names of what it owns. */
  const secrets: Record<AccountName, Set<string>> = { alice: new Set(), bob: new Set() };

  async function setUp(name: AccountName): Promise<Owned> {
    const account = service[name];
    const secret = secrets[name];
    secret.add(account.accountId);
    const region = 'eu-west-1';
    const newResource = async (label: string) => {
      const resourceName = `${name}-${label}-${randomUUID()}`;
      const resource = await service.store.createResource({ accountId: account.accountId, region, type: 'HOST', name: resourceName, details: {} });
      secret.add(resource.id).add(resourceName);
      return resource.id as string;
    };
    const newFilter = async () => {
      const filterName = `${name}-filter-${randomUUID()}`;
      const filter = await service.store.createFilter({ accountId: account.accountId, region, name: filterName, criteria: {}, action: 'NONE' });
      secret.add(filter.id).add(filterName);
      return filter.id as string;
    };
    const resourceId = await newResource('host');
    const pushed = await service.app.inject({
      method: 'PUT',
      url: `/v1/resources/${resourceId}/inventory`,
      headers: { ...service.auth(account.keys.member), ...sbomHeaders },
      payload: cycloneDx(vulnerableHost()),
    });
    expect(pushed.statusCode).toBe(200);
    const findings = await service.store.listFindingsForResource(asId('ResourceId', resourceId));
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) secret.add(finding.id);
    const scan = await service.store.createScan({ accountId: account.accountId as AccountId, region, resourceId: asId('ResourceId', resourceId), target: MISSING_TARGET });
    secret.add(scan.id);
    const key = await issueApiKey(service.store, { accountId: account.accountId, role: 'admin' });
    expect(await service.store.revokeApiKey(account.accountId, key.record.id)).toBe(true);
    revoked[name] = key.key;
    return { account, resourceId, findingId: findings[0]!.id, filterId: await newFilter(), scanId: scan.id, freshResource: () => newResource('fresh'), freshFilter: newFilter };
  }

  beforeAll(async () => {
    service = await startTestService();
    owned.alice = await setUp('alice');
    owned.bob = await setUp('bob');
  });
  afterAll(async () => {
    await service.settle();
    await service.close();
  });

  function headersFor(caller: AccountName, credential: Credential): Record<string, string> {
    switch (credential) {
      case 'no key':
        return {};
      case 'wrong key':
        return service.auth(`vgl_${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`);
      case 'revoked key':
        return service.auth(revoked[caller]);
      default:
        return service.auth(service[caller].keys[credential]);
    }
  }

  it('has a row for every route of the app, and a route for every row', () => {
    const routes = routesOf(service.app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(20);
    // HEAD answers for every GET (Fastify adds it); it is checked below with its GET's row.
    const tested = routes.filter((r) => !r.startsWith('HEAD '));
    for (const head of routes.filter((r) => r.startsWith('HEAD '))) expect(tested).toContain(head.replace(/^HEAD/, 'GET'));
    expect(tested).toEqual(Object.keys(table).sort());
    for (const route of routes) {
      const [method, url] = route.split(' ') as [string, string];
      expect(service.app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }
  });

  const cases = Object.entries(table).flatMap(([route, row]) =>
    (['alice', 'bob'] as const).flatMap((caller) =>
      credentials.flatMap((credential) =>
        (row.foreign === undefined ? [caller] : (['alice', 'bob'] as const)).map((owner) => {
          const own = owner === caller;
          const expected =
            row.access === 'public'
              ? row.ok
              : credential === 'no key' || credential === 'wrong key' || credential === 'revoked key'
                ? 401
                : rank[credential] < rank[row.access]
                  ? 403
                  : own
                    ? row.ok
                    : row.foreign!;
          return { route, row, caller, credential, owner, own, expected };
        }),
      ),
    ),
  );

  it.each(cases.map((c) => [`${c.route} as ${c.caller} with ${c.credential} on ${c.owner}'s ids → ${c.expected}`, c] as const))('%s', async (_title, c) => {
    const [method] = c.route.split(' ') as [string];
    const request = await c.row.request(owned[c.owner]);
    const answer = await service.app.inject({
      method: method as 'GET',
      url: request.url,
      headers: { ...headersFor(c.caller, c.credential), ...request.headers },
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    });
    expect(answer.statusCode, answer.body.slice(0, 500)).toBe(c.expected);
    if (c.expected >= 400) {
      expect(answer.json().error.code).toBe({ 401: 'UNAUTHORIZED', 403: 'FORBIDDEN' }[c.expected as 401 | 403] ?? answer.json().error.code);
    } else if (c.row.check) {
      c.row.check(answer.body, c.own);
    }
    // Nothing of the other account, whatever was asked and whatever was answered — save what the
    // caller sent itself (a 404 may name the id it was asked for).
    const other: AccountName = c.caller === 'alice' ? 'bob' : 'alice';
    const sent = `${request.url} ${typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload ?? null)}`;
    for (const secret of secrets[other]) {
      if (!sent.includes(secret)) expect(answer.body.includes(secret), `${c.route} answered ${c.caller} with ${other}'s ${secret}`).toBe(false);
    }
  });

  it.each(Object.entries(table).filter(([route, row]) => route.startsWith('GET ') && row.access !== 'public'))('HEAD of %s needs a key too', async (_route, row) => {
    const { url } = await row.request(owned.alice);
    expect((await service.app.inject({ method: 'HEAD', url })).statusCode).toBe(401);
    expect((await service.app.inject({ method: 'HEAD', url, headers: service.auth(service.alice.keys['read-only']) })).statusCode).toBe(200);
  });

  it('left the foreign ids untouched: what the other account tried to delete or change is still there', async () => {
    for (const name of ['alice', 'bob'] as const) {
      const { account, resourceId, filterId } = owned[name];
      expect(await service.store.getResource(account.accountId, asId('ResourceId', resourceId))).toBeDefined();
      expect((await service.store.getFilter(account.accountId, asId('FilterId', filterId)))?.reason).toBeNull();
    }
  });
});
