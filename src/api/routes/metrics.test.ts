import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDx, vulnerableHost } from '../../../test/api/documents.js';
import { startTestService, type TestService } from '../../../test/harness/service.js';
import { family, HttpMetrics } from './metrics.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format strictly enough to catch a malformed line: HELP and TYPE before samples, quoted labels, numbers. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!)).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText, value] = sample!;
    const family = [...types.keys()].find((f) => name === f || (types.get(f) === 'histogram' && [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(name!)));
    expect(family, `${name} has no TYPE line before it`).toBeDefined();
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = raw!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    samples.push({ name: name!, labels, value: value === '+Inf' ? Infinity : Number(value) });
  }
  return { types, samples };
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((total, s) => total + s.value, 0);

describe('/metrics', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.close();
  });

  const scrape = (key = service.alice.keys['read-only']) => service.app.inject({ method: 'GET', url: '/metrics', headers: service.auth(key) });

  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'Bearer vgl_not-a-key' }],
  ])('needs a key: %s is 401', async (_name, headers) => {
    const answer = await service.app.inject({ method: 'GET', url: '/metrics', headers });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().error.code).toBe('UNAUTHORIZED');
  });

  it("counts requests by route template, method and status, times them, and gives the account's findings and resources", async () => {
    const created = await service.app.inject({ method: 'POST', url: '/v1/resources', headers: service.auth(service.alice.keys.member), payload: { type: 'HOST', name: 'web' } });
    const resourceId = created.json().id as string;
    await service.app.inject({
      method: 'PUT',
      url: `/v1/resources/${resourceId}/inventory`,
      headers: { ...service.auth(service.alice.keys.member), 'content-type': 'application/json' },
      payload: cycloneDx(vulnerableHost()),
    });
    for (let i = 0; i < 3; i++) await service.app.inject({ method: 'GET', url: `/v1/resources/${resourceId}`, headers: service.auth(service.alice.keys['read-only']) });
    await service.app.inject({ method: 'GET', url: '/v1/resources/no-such-id', headers: service.auth(service.alice.keys['read-only']) });
    await service.app.inject({ method: 'GET', url: '/healthz' });
    await service.app.inject({ method: 'GET', url: `/nowhere/${resourceId}` });

    const answer = await scrape();
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, samples } = parseExposition(answer.body);
    expect(types.get('vigil_http_requests_total')).toBe('counter');
    expect(types.get('vigil_http_request_duration_seconds')).toBe('histogram');

    expect(sum(samples, 'vigil_http_requests_total', { method: 'GET', route: '/v1/resources/:id', status_code: '200' })).toBe(3);
    expect(sum(samples, 'vigil_http_requests_total', { method: 'GET', route: '/v1/resources/:id', status_code: '404' })).toBe(1);
    expect(sum(samples, 'vigil_http_requests_total', { method: 'PUT', route: '/v1/resources/:id/inventory', status_code: '200' })).toBe(1);
    expect(sum(samples, 'vigil_http_requests_total', { method: 'GET', route: '/healthz', status_code: '200' })).toBe(1);
    expect(sum(samples, 'vigil_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    // Route templates only: no id ever becomes a label value.
    expect(answer.body).not.toContain(resourceId);

    const latency = { method: 'GET', route: '/v1/resources/:id' };
    expect(sum(samples, 'vigil_http_request_duration_seconds_count', latency)).toBe(4);
    expect(sum(samples, 'vigil_http_request_duration_seconds_bucket', { ...latency, le: '+Inf' })).toBe(4);
    expect(sum(samples, 'vigil_http_request_duration_seconds_sum', latency)).toBeGreaterThan(0);
    const buckets = samples.filter((s) => s.name === 'vigil_http_request_duration_seconds_bucket' && s.labels.route === latency.route && s.labels.method === 'GET').map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));

    const stored = await service.store.countFindings(service.alice.accountId);
    const active = stored.filter((c) => c.status === 'ACTIVE').reduce((total, c) => total + c.count, 0);
    expect(active).toBeGreaterThanOrEqual(2);
    expect(sum(samples, 'vigil_findings', { status: 'ACTIVE' })).toBe(active);
    expect(samples.filter((s) => s.name === 'vigil_findings')).toHaveLength(18);
    expect(sum(samples, 'vigil_resources', { type: 'HOST' })).toBe(1);
    expect(sum(samples, 'vigil_resources', { type: 'FUNCTION' })).toBe(0);
    expect(sum(samples, 'vigil_vulndb_up')).toBe(1);
    expect(sum(samples, 'vigil_vulndb_advisories')).toBeGreaterThan(5);
    expect(sum(samples, 'vigil_scans_unfinished', { status: 'QUEUED' })).toBe(0);
    expect(sum(samples, 'vigil_process_resident_memory_bytes')).toBeGreaterThan(0);

    // Another account's key sees its own (empty) findings and resources, not alice's.
    const bobs = parseExposition((await scrape(service.bob.keys['read-only'])).body).samples;
    expect(sum(bobs, 'vigil_findings')).toBe(0);
    expect(sum(bobs, 'vigil_resources')).toBe(0);
  });
});

describe('the exposition writer', () => {
  it('escapes label values and HELP text, and writes infinities', () => {
    expect(family('x_total', 'counter', 'a\\b\nc', [{ labels: { route: 'a"b\\c\nd' }, value: 1 }, { value: Infinity }])).toBe(
      ['# HELP x_total a\\\\b\\nc', '# TYPE x_total counter', 'x_total{route="a\\"b\\\\c\\nd"} 1', 'x_total +Inf'].join('\n'),
    );
  });

  it('keeps cumulative buckets', () => {
    const http = new HttpMetrics();
    for (const seconds of [0.001, 0.02, 0.02, 3, 100]) http.observe('GET', '/r', 200, seconds);
    const text = http.render().join('\n');
    expect(text).toContain('vigil_http_request_duration_seconds_bucket{method="GET",route="/r",le="0.005"} 1');
    expect(text).toContain('vigil_http_request_duration_seconds_bucket{method="GET",route="/r",le="0.025"} 3');
    expect(text).toContain('vigil_http_request_duration_seconds_bucket{method="GET",route="/r",le="5"} 4');
    expect(text).toContain('vigil_http_request_duration_seconds_bucket{method="GET",route="/r",le="10"} 4');
    expect(text).toContain('vigil_http_request_duration_seconds_bucket{method="GET",route="/r",le="+Inf"} 5');
    expect(text).toContain('vigil_http_request_duration_seconds_count{method="GET",route="/r"} 5');
    expect(text).toContain('vigil_http_requests_total{method="GET",route="/r",status_code="200"} 5');
  });
});
