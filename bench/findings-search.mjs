// Finding search at 1,000,000 stored findings (10,000 resources, one account), on SQLite and on
// PostgreSQL: store.searchFindings with two criteria and a sort, first pages and the pages after
// them through the cursor, p50 and p95 (target: p95 under 50 ms on both), with this process's CPU
// time per call beside them (the rest is waiting: for PostgreSQL, or for a busy machine). Also
// one-off timings of aggregations and of the /metrics counts at that size. The data and how it is
// loaded: lib/findings-data.mjs (the SQLite file is cached under .cache/, the PostgreSQL database
// is this run's own and is dropped at the end).
//
// BENCH_FINDINGS (default 1000000), BENCH_CALLS (calls per query, default 300),
// BENCH_DIALECTS (sqlite,postgres), BENCH_KEEP (keep the PostgreSQL database), VIGIL_TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT, RESOURCES, postgresFindingsDatabase, sqliteFindingsStore } from './lib/findings-data.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { openSqliteStore, openPostgresStore } = await import(join(repo, 'dist/store/index.js'));
const { parseCriteria } = await import(join(repo, 'dist/findings/criteria.js'));

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 1_000_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const PAGES_PER_WALK = 10;
const PAGE_SIZE = 100;
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const adminUrl = process.env.VIGIL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ── Measuring ───────────────────────────────────────────────────────────────────────────────

function parsed(criteria) {
  const result = parseCriteria(criteria);
  if (!result.ok) throw new Error(result.error.message);
  return result.criteria;
}

const QUERIES = [
  {
    name: 'severity CRITICAL|HIGH + resourceType CONTAINER_IMAGE, VIGIL_SCORE DESC',
    criteria: parsed({ severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }, { comparison: 'EQUALS', value: 'HIGH' }], resourceType: [{ comparison: 'EQUALS', value: 'CONTAINER_IMAGE' }] }),
    sort: { field: 'VIGIL_SCORE', sortOrder: 'DESC' },
  },
  {
    name: 'vulnerabilityId PREFIX CVE-2024 + fixAvailable YES, FIRST_OBSERVED_AT DESC',
    criteria: parsed({ vulnerabilityId: [{ comparison: 'PREFIX', value: 'CVE-2024' }], fixAvailable: [{ comparison: 'EQUALS', value: 'YES' }] }),
    sort: { field: 'FIRST_OBSERVED_AT', sortOrder: 'DESC' },
  },
  {
    name: 'resourceTags env=prod + exploitAvailable YES, SEVERITY DESC',
    criteria: parsed({ resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }], exploitAvailable: [{ comparison: 'EQUALS', value: 'YES' }] }),
    sort: { field: 'SEVERITY', sortOrder: 'DESC' },
  },
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { calls: sorted.length, p50: Number(percentile(sorted, 50).toFixed(2)), p95: Number(percentile(sorted, 95).toFixed(2)), max: Number(sorted.at(-1).toFixed(2)) };
}

async function time(fn) {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

/** Walks of PAGES_PER_WALK pages (a first page, then the cursor's pages), until CALLS calls were made. */
async function measureSearch(store, query) {
  const first = [];
  const later = [];
  for (let warm = 0; warm < 5; warm++) await store.searchFindings(ACCOUNT, { criteria: query.criteria, sort: query.sort, limit: PAGE_SIZE });
  let returned = 0;
  const cpu = process.cpuUsage();
  while (first.length + later.length < CALLS) {
    let after;
    for (let page = 0; page < PAGES_PER_WALK && first.length + later.length < CALLS; page++) {
      const [ms, result] = await time(() => store.searchFindings(ACCOUNT, { criteria: query.criteria, sort: query.sort, limit: PAGE_SIZE, ...(after ? { after } : {}) }));
      (page === 0 ? first : later).push(ms);
      returned += result.findings.length;
      after = result.next;
      if (!after) break;
    }
  }
  const used = process.cpuUsage(cpu);
  const calls = first.length + later.length;
  return {
    all: summary([...first, ...later]),
    firstPages: summary(first),
    laterPages: summary(later),
    findingsPerCall: Math.round(returned / calls),
    cpuMsPerCall: Number(((used.user + used.system) / 1000 / calls).toFixed(2)),
  };
}

async function measureOnce(fn, runs = 3) {
  const ms = [];
  for (let i = 0; i < runs; i++) ms.push((await time(fn))[0]);
  return Number(ms.sort((a, b) => a - b)[runs >> 1].toFixed(1));
}

async function measure(dialect, store, loadMs, stored) {
  const result = { dialect, findings: stored, resources: RESOURCES, loadSeconds: loadMs === null ? 'cached' : Number((loadMs / 1000).toFixed(1)), queries: [] };
  console.log(`${dialect}: ${stored} findings, ${RESOURCES} resources; load ${loadMs === null ? 'from the cached file' : `${result.loadSeconds} s`}`);
  for (const query of QUERIES) {
    const figures = await measureSearch(store, query);
    result.queries.push({ name: query.name, ...figures });
    console.log(
      `  ${query.name}: p50 ${figures.all.p50} ms, p95 ${figures.all.p95} ms (first pages p95 ${figures.firstPages.p95}, later pages p95 ${figures.laterPages.p95}; ${figures.all.calls} calls, ${figures.findingsPerCall} findings a page, ${figures.cpuMsPerCall} ms of this process's CPU a call)`,
    );
  }
  result.aggregateByRepositoryMs = await measureOnce(() => store.aggregateFindings(ACCOUNT, { type: 'REPOSITORY', sortBy: 'CRITICAL', limit: 100 }));
  result.aggregateByVulnerabilityCriticalMs = await measureOnce(() => store.aggregateFindings(ACCOUNT, { type: 'VULNERABILITY', criteria: parsed({ severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] }), limit: 100 }));
  result.countFindingsMs = await measureOnce(() => store.countFindings());
  console.log(`  aggregate by REPOSITORY (all findings): ${result.aggregateByRepositoryMs} ms; by VULNERABILITY (CRITICAL): ${result.aggregateByVulnerabilityCriticalMs} ms; countFindings: ${result.countFindingsMs} ms`);
  return result;
}

const results = [];

if (DIALECTS.includes('sqlite')) {
  const { path, loadMs } = await sqliteFindingsStore(FINDINGS);
  const store = await openSqliteStore(path);
  try {
    const stored = (await store.countFindings(ACCOUNT)).reduce((sum, c) => sum + c.count, 0);
    results.push(await measure('sqlite', store, loadMs, stored));
  } finally {
    await store.close();
  }
}

if (DIALECTS.includes('postgres')) {
  const { url, loadMs, stored, drop } = await postgresFindingsDatabase(adminUrl, FINDINGS, (line) => console.log(`  ${line}`));
  try {
    const store = await openPostgresStore(url);
    try {
      results.push(await measure('postgres', store, loadMs, stored));
    } finally {
      await store.close();
    }
  } finally {
    await drop();
  }
}

console.log(JSON.stringify({ bench: 'findings-search', pageSize: PAGE_SIZE, loadAverage: (await import('node:os')).loadavg().map((n) => Number(n.toFixed(1))), results }));
