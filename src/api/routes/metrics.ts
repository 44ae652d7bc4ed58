/**
 * @module `/metrics` in Prometheus text format (0.0.4), written here in ~100 lines rather than with
 * prom-client: a counter, a histogram and gauges read at scrape time are all it needs.
 *
 * Like everything but `/healthz` it takes a Bearer key (any role; Prometheus sends one with
 * `authorization: { credentials: … }`), and a key only ever sees its own account: findings and
 * resources are the key's account's. The process's own workings — HTTP requests and their latency,
 * scans waiting or running, the vulnerability database's age — carry no account data and are the
 * whole server's.
 *
 * The plugin is not encapsulated (`skip-override`): its onResponse hook must see every request
 * of the app, so app.ts registers it before any other group.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { severities } from '../../model/finding.js';
import type { ServiceContext } from '../../service/context.js';
import { resourceTypes, type AccountId, type ResourceType } from '../../store/index.js';
import type { VulnDbReader, VulnDbStatus } from '../../vulndb/reader.js';
import type { RouteOptions } from '../app.js';
import { assertRole, authenticate, principalOf } from '../auth.js';
import { errorResponses } from '../schemas/common.js';

/** Latency buckets in seconds: an inventory push of 1,000 packages aims under 0.1, a search under 0.05. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};
const number = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

/** One metric family: its HELP and TYPE lines, then its samples. */
export function family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: Array<{ labels?: Labels; value: number; suffix?: string }>): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
  for (const s of samples) lines.push(`${name}${s.suffix ?? ''}${labelText(s.labels ?? {})} ${number(s.value)}`);
  return lines.join('\n');
}

interface Histogram {
  labels: Labels;
  /** Cumulative counts per bucket of LATENCY_BUCKETS. */
  buckets: number[];
  sum: number;
  count: number;
}

/** HTTP requests by route template, method and status, and their latency; kept in memory for the process's life. */
export class HttpMetrics {
  private readonly requests = new Map<string, { labels: Labels; count: number }>();
  private readonly latency = new Map<string, Histogram>();

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    const requestLabels = { method, route, status_code: String(statusCode) };
    const requestKey = labelText(requestLabels);
    const counted = this.requests.get(requestKey) ?? { labels: requestLabels, count: 0 };
    counted.count++;
    this.requests.set(requestKey, counted);

    const latencyLabels = { method, route };
    const latencyKey = labelText(latencyLabels);
    const histogram = this.latency.get(latencyKey) ?? { labels: latencyLabels, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.buckets[i]!++;
    });
    histogram.sum += seconds;
    histogram.count++;
    this.latency.set(latencyKey, histogram);
  }

  render(): string[] {
    const histogramSamples = [...this.latency.values()].flatMap((h) => [
      ...LATENCY_BUCKETS.map((bound, i) => ({ suffix: '_bucket', labels: { ...h.labels, le: String(bound) }, value: h.buckets[i]! })),
      { suffix: '_bucket', labels: { ...h.labels, le: '+Inf' }, value: h.count },
      { suffix: '_sum', labels: h.labels, value: h.sum },
      { suffix: '_count', labels: h.labels, value: h.count },
    ]);
    return [
      family('vigil_http_requests_total', 'counter', 'HTTP requests answered, by route template, method and status code', [...this.requests.values()].map((r) => ({ labels: r.labels, value: r.count }))),
      family('vigil_http_request_duration_seconds', 'histogram', 'Time from receiving a request to answering it, by route template and method', histogramSamples),
    ];
  }
}

/** A reader's status, read once: a database file never changes under its reader (a new file gets a new reader). */
const statusOfReader = new WeakMap<VulnDbReader, VulnDbStatus>();

function vulnDbFamilies(ctx: ServiceContext): string[] {
  let status: VulnDbStatus | undefined;
  try {
    const reader = ctx.vulndb.current();
    status = statusOfReader.get(reader);
    if (!status) statusOfReader.set(reader, (status = reader.status()));
  } catch {
    status = undefined;
  }
  const seconds = (iso: string | undefined) => (iso && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) / 1000 : undefined);
  const builtAt = seconds(status?.builtAt);
  const newestImport = Math.max(...(status?.sources ?? []).map((s) => seconds(s.importedAt) ?? -Infinity));
  const freshAt = builtAt ?? (Number.isFinite(newestImport) ? newestImport : undefined);
  const families = [family('vigil_vulndb_up', 'gauge', 'Whether a vulnerability database is open (1) or missing (0)', [{ value: status ? 1 : 0 }])];
  if (!status) return families;
  families.push(family('vigil_vulndb_advisories', 'gauge', 'Live advisories in the vulnerability database', [{ value: status.advisories }]));
  if (freshAt !== undefined) {
    families.push(family('vigil_vulndb_built_timestamp_seconds', 'gauge', 'When the vulnerability database in use was built (Unix time)', [{ value: freshAt }]));
    families.push(family('vigil_vulndb_age_seconds', 'gauge', 'Age of the vulnerability database in use', [{ value: Math.max(0, ctx.now().getTime() / 1000 - freshAt) }]));
  }
  const imports = status.sources.flatMap((s) => {
    const at = seconds(s.importedAt);
    return at === undefined ? [] : [{ labels: { source: s.name }, value: at }];
  });
  if (imports.length > 0) families.push(family('vigil_vulndb_source_imported_timestamp_seconds', 'gauge', 'When each feed was last imported into the database in use (Unix time)', imports));
  return families;
}

async function accountFamilies(ctx: ServiceContext, accountId: AccountId): Promise<string[]> {
  const counts = await ctx.store.countFindings(accountId);
  const findingSamples = (['ACTIVE', 'SUPPRESSED', 'CLOSED'] as const).flatMap((status) =>
    severities.map((severity) => ({ labels: { status, severity }, value: counts.find((c) => c.status === status && c.severity === severity)?.count ?? 0 })),
  );
  const byType = Object.fromEntries(resourceTypes.map((t) => [t, 0])) as Record<ResourceType, number>;
  let after: string | undefined;
  do {
    const page = await ctx.store.listResources(accountId, { limit: 1000, ...(after ? { after } : {}) });
    for (const resource of page.items) byType[resource.type]++;
    after = page.next;
  } while (after);
  return [
    family('vigil_findings', 'gauge', "The account's findings by status and severity", findingSamples),
    family('vigil_resources', 'gauge', "The account's undeleted resources by type", resourceTypes.map((type) => ({ labels: { type }, value: byType[type] }))),
  ];
}

async function scanFamilies(ctx: ServiceContext): Promise<string> {
  const unfinished = await ctx.store.listUnfinishedScans();
  return family(
    'vigil_scans_unfinished',
    'gauge',
    'Scans waiting for a worker (QUEUED) or being run (RUNNING), all accounts',
    (['QUEUED', 'RUNNING'] as const).map((status) => ({ labels: { status }, value: unfinished.filter((s) => s.status === status).length })),
  );
}

function processFamilies(): string[] {
  return [
    family('vigil_process_start_time_seconds', 'gauge', 'When this process started (Unix time)', [{ value: Math.round((Date.now() - process.uptime() * 1000) / 1000) }]),
    family('vigil_process_resident_memory_bytes', 'gauge', 'Resident memory of this process', [{ value: process.memoryUsage.rss() }]),
  ];
}

const metricsPlugin: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const http = new HttpMetrics();

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The route template, never the raw URL: ids in paths would make a series per resource.
    http.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    {
      onRequest: async (request) => {
        const principal = await authenticate(ctx.store, request);
        assertRole(principal, 'read-only');
        request.principal = principal;
      },
      schema: {
        summary: 'Prometheus metrics: HTTP requests and latency, the account’s findings and resources, scans waiting, the vulnerability database’s age',
        tags: ['metrics'],
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const families = [...http.render(), ...(await accountFamilies(ctx, accountId)), await scanFamilies(ctx), ...vulnDbFamilies(ctx), ...processFamilies()];
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${families.join('\n')}\n`);
    },
  );
};

/** Registered on the app itself, not in a scope of its own, so its hook sees every route. */
export const metricsRoutes = Object.assign(metricsPlugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'vigil-metrics' });
