// The service over HTTP, with the server in its own process (`vigil server`, SQLite store):
// - inventory push: a 1,000-package inventory (Go modules from the real Go vulnerability
//   database) pushed with PUT /v1/resources/{id}/inventory; the first push opens its findings,
//   then each further push moves 10 vulnerable packages to their fixed version and the 10 moved
//   before back (closing and reopening findings) — p50 of those pushes (target: under 100 ms).
//   Two mixes: a typical one (100 of the 1,000 packages at an affected version, the rest at their
//   fixed version) and the worst case (all 1,000 affected, about 4,000 open findings); on SQLite
//   (the embedded default) and on PostgreSQL (a database of its own, dropped after); with the CPU
//   time per push of the server and of its PostgreSQL backends, which a busy machine inflates less.
// - finding search: POST /v1/findings/search with two criteria and a sort at 1,000,000 stored
//   findings (bench/lib/findings-data.mjs), on SQLite and on PostgreSQL; load from a second
//   process on loopback (bench/lib/http-load.mjs; 1, 4 and 10 connections, 10 being autocannon's
//   default) — p50 and p95 (target: p95 under 50 ms).
// BENCH_PUSHES (default 30), BENCH_MIXES (affected packages per mix, default 100,1000),
// BENCH_FINDINGS (default 1000000), BENCH_SEARCHES (default 600), BENCH_CONNECTIONS (default 1,4,10),
// BENCH_API (push,search), BENCH_DIALECTS (sqlite,postgres), VIGIL_TEST_DATABASE_URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const data = join(repo, '../shared/data');
const PUSHES = Number(process.env.BENCH_PUSHES ?? 30);
const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 1_000_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 600);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,4,10').split(',').map(Number);
const PARTS = (process.env.BENCH_API ?? 'push,search').split(',');
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const adminUrl = process.env.VIGIL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Starts `vigil server` on a free port; resolves with its URL, the admin key and a stop function. */
export async function startServerProcess(args, env) {
  // BENCH_SERVER_NODE_ARGS: flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(repo, 'dist/cli/main.js'), 'server', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"vigil server listening"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`vigil server exited with ${code}: ${out}`)));
  });
  const key = /vgl_[A-Za-z0-9_-]+/.exec(out)?.[0];
  return {
    url,
    key,
    pid: child.pid,
    stop: () => new Promise((resolve) => (child.on('exit', resolve), child.kill('SIGTERM'))),
  };
}

/** CPU time (user + system) used so far by the processes `pids`, in milliseconds (Linux /proc; 0 elsewhere). */
function cpuMsOf(pids) {
  const tick = 1000 / 100; // USER_HZ, 100 on Linux
  let ms = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // The process is gone (or this is not Linux).
    }
  }
  return ms;
}

/** The PostgreSQL server processes serving connections to `database`, by their process titles. */
function backendsOf(database) {
  if (!database) return [];
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** Go modules at a version each affects: the first `introduced` event, or v0.0.1. */
function affectedGoModules(count) {
  const dir = join(data, 'golang-vulndb/data/osv');
  const modules = new Map();
  for (const file of readdirSync(dir).sort()) {
    const record = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const affected of record.affected ?? []) {
      const name = affected.package?.name;
      if (!name || name === 'stdlib' || name === 'toolchain' || modules.has(name)) continue;
      const events = affected.ranges?.find((r) => r.type === 'SEMVER')?.events ?? [];
      const introduced = events.find((e) => e.introduced && e.introduced !== '0')?.introduced;
      const fixed = events.find((e) => e.fixed)?.fixed;
      if (!fixed) continue;
      modules.set(name, { name, version: `v${introduced ?? '0.0.1'}`, fixed: `v${fixed}` });
      if (modules.size === count) return [...modules.values()];
    }
  }
  return [...modules.values()];
}

function cyclonedx(timestamp, packages) {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { timestamp },
    components: packages.map((p) => ({ type: 'library', 'bom-ref': `${p.name}@${p.version}`, name: p.name, version: p.version, purl: `pkg:golang/${p.name}@${p.version}` })),
  });
}

async function request(url, key, method, path, body, contentType = 'application/json') {
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': contentType } : {}) }, body });
  const json = await response.json();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return { ms, json };
}

/** A database of its own on the PostgreSQL server, dropped by `drop`. */
async function postgresDatabase(name) {
  const { default: pg } = await import('pg');
  const admin = async (statement) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function benchPush(dialect) {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
  const database = dialect === 'postgres' ? await postgresDatabase(`vigil_bench_push_${process.pid}`) : undefined;
  try {
    const vulndb = join(work, 'vulndb.sqlite');
    const imported = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'db', '--db', vulndb, 'import', join(data, 'golang-vulndb/data/osv')], { encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(imported.stderr);
    const server = await startServerProcess(['--db', vulndb, ...(database ? ['--database', database.url] : [])], { VIGIL_HOME: work });
    try {
      for (const affected of (process.env.BENCH_MIXES ?? '100,1000').split(',').map(Number)) await benchMix(server, affectedGoModules(1000), affected, dialect, database?.name);
    } finally {
      await server.stop();
    }
  } finally {
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pushes to a new resource: `affected` of the modules at an affected version, the rest fixed. */
async function benchMix(server, all, affected, dialect, databaseName) {
  {
    {
      // The rest at a version past every fix (only advisories no release fixes still apply).
      const modules = all.map((m, i) => (i < affected ? m : { ...m, version: 'v999.0.0' }));
      const resource = (await request(server.url, server.key, 'POST', '/v1/resources', JSON.stringify({ type: 'HOST', name: `bench-host-${affected}` }))).json;
      let time = Date.parse('2026-11-01T00:00:00Z');
      const push = (packages) => request(server.url, server.key, 'PUT', `/v1/resources/${resource.id}/inventory`, cyclonedx(new Date((time += 60_000)).toISOString(), packages), 'application/vnd.cyclonedx+json');
      const first = await push(modules);
      const latencies = [];
      const totals = { created: 0, closed: 0, reopened: 0, unchanged: 0 };
      // CPU per push: the server's, and on PostgreSQL its backends' (a connection the pool opens
      // meanwhile counts from zero).
      const backendsBefore = backendsOf(databaseName);
      const cpuBefore = { server: cpuMsOf([server.pid]), database: cpuMsOf(backendsBefore) };
      for (let i = 0; i < PUSHES; i++) {
        // Ten vulnerable packages move to their fixed version, and the ten moved last time move back.
        const start = (i * 10) % affected;
        const moved = new Set(modules.slice(start, start + 10).map((m) => m.name));
        const { ms, json } = await push(modules.map((m) => (moved.has(m.name) ? { ...m, version: m.fixed } : m)));
        latencies.push(ms);
        for (const k of Object.keys(totals)) totals[k] += json[k];
      }
      const cpuPerPush = {
        serverMs: Number(((cpuMsOf([server.pid]) - cpuBefore.server) / PUSHES).toFixed(1)),
        ...(databaseName ? { databaseMs: Number(((cpuMsOf(new Set([...backendsBefore, ...backendsOf(databaseName)])) - cpuBefore.database) / PUSHES).toFixed(1)) } : {}),
      };
      const result = {
        bench: 'api-push',
        dialect,
        packages: modules.length,
        affectedPackages: affected,
        firstPush: { ms: Math.round(first.ms), created: first.json.created },
        pushes: PUSHES,
        p50ms: Number(percentile(latencies, 50).toFixed(1)),
        p95ms: Number(percentile(latencies, 95).toFixed(1)),
        perPush: { closed: totals.closed / PUSHES, reopened: totals.reopened / PUSHES, unchanged: Math.round(totals.unchanged / PUSHES), cpu: cpuPerPush },
        target: 'p50 < 100 ms',
      };
      console.log(`${dialect}: inventory push of ${modules.length} packages, ${affected} of them vulnerable (${first.json.created} findings opened by the first push in ${Math.round(first.ms)} ms): p50 ${result.p50ms} ms, p95 ${result.p95ms} ms over ${PUSHES} pushes each closing ~${result.perPush.closed} and reopening ~${result.perPush.reopened} findings; CPU per push: server ${cpuPerPush.serverMs} ms${databaseName ? `, PostgreSQL ${cpuPerPush.databaseMs} ms` : ''}`);
      console.log(JSON.stringify(result));
    }
  }
}

/** The searches: the store benchmark's two queries, each as a first page. */
const searches = [
  {
    filterCriteria: { severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }, { comparison: 'EQUALS', value: 'HIGH' }], resourceType: [{ comparison: 'EQUALS', value: 'CONTAINER_IMAGE' }] },
    sortCriteria: { field: 'VIGIL_SCORE', sortOrder: 'DESC' },
    maxResults: 100,
  },
  {
    filterCriteria: { vulnerabilityId: [{ comparison: 'PREFIX', value: 'CVE-2024' }], fixAvailable: [{ comparison: 'EQUALS', value: 'YES' }] },
    sortCriteria: { field: 'FIRST_OBSERVED_AT', sortOrder: 'DESC' },
    maxResults: 100,
  },
];

async function benchSearch(dialect) {
  const { sqliteFindingsStore, postgresFindingsDatabase, ACCOUNT } = await import('./lib/findings-data.mjs');
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-search-'));
  const database = dialect === 'sqlite' ? { url: (await sqliteFindingsStore(FINDINGS)).path, drop: async () => {} } : await postgresFindingsDatabase(adminUrl, FINDINGS);
  try {
    const made = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'keys', 'create', '--role', 'read-only', '--account', ACCOUNT, '--database', database.url], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const key = made.stdout.trim();
    const server = await startServerProcess(['--database', database.url], { VIGIL_HOME: work });
    try {
      const load = (requests, concurrency) =>
        spawnSync(process.execPath, [join(repo, 'bench/lib/http-load.mjs'), JSON.stringify({ url: `${server.url}/v1/findings/search`, method: 'POST', headers: { authorization: `Bearer ${key}` }, bodies: searches, requests, concurrency })], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      load(40, 4); // warm-up: statement caches, the planner's statistics
      // One client at a time (the latency of a search), then several at once (the latency under load).
      for (const concurrency of CONNECTIONS) {
        const run = load(SEARCHES, concurrency);
        if (run.status !== 0) throw new Error(run.stderr);
        const { latencies, seconds } = JSON.parse(run.stdout);
        const result = { bench: 'api-search', dialect, findings: FINDINGS, requests: latencies.length, concurrency, p50ms: Number(percentile(latencies, 50).toFixed(1)), p95ms: Number(percentile(latencies, 95).toFixed(1)), requestsPerSecond: Math.round(latencies.length / seconds), target: 'p95 < 50 ms' };
        console.log(`POST /v1/findings/search on ${dialect} at ${FINDINGS} findings, ${concurrency} connection(s): p50 ${result.p50ms} ms, p95 ${result.p95ms} ms (${result.requestsPerSecond} requests/s)`);
        console.log(JSON.stringify(result));
      }
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (PARTS.includes('push')) for (const dialect of DIALECTS) await benchPush(dialect);
  if (PARTS.includes('search')) for (const dialect of DIALECTS) await benchSearch(dialect);
}
