// The service over HTTP, with the server in its own process (`vigil server`, SQLite store):
// - inventory push: a 1,000-package inventory (Go modules from the real Go vulnerability
//   database) pushed with PUT /v1/resources/{id}/inventory; the first push opens its findings,
//   then each further push moves 10 vulnerable packages to their fixed version and the 10 moved
//   before back (closing and reopening findings) — p50 of those pushes (target: under 100 ms).
//   Two mixes: a typical one (100 of the 1,000 packages at an affected version, the rest at their
//   fixed version) and the worst case (all 1,000 affected, about 4,000 open findings).
// BENCH_PUSHES (default 30).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const data = join(repo, '../shared/data');
const PUSHES = Number(process.env.BENCH_PUSHES ?? 30);

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Starts `vigil server` on a free port; resolves with its URL, the admin key and a stop function. */
export async function startServerProcess(args, env) {
  const child = spawn(process.execPath, [join(repo, 'dist/cli/main.js'), 'server', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
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
    stop: () => new Promise((resolve) => (child.on('exit', resolve), child.kill('SIGTERM'))),
  };
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

async function benchPush() {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
  try {
    const vulndb = join(work, 'vulndb.sqlite');
    const imported = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'db', '--db', vulndb, 'import', join(data, 'golang-vulndb/data/osv')], { encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(imported.stderr);
    const server = await startServerProcess(['--db', vulndb], { VIGIL_HOME: work });
    try {
      for (const affected of [100, 1000]) await benchMix(server, affectedGoModules(1000), affected);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pushes to a new resource: `affected` of the modules at an affected version, the rest fixed. */
async function benchMix(server, all, affected) {
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
      for (let i = 0; i < PUSHES; i++) {
        // Ten vulnerable packages move to their fixed version, and the ten moved last time move back.
        const start = (i * 10) % affected;
        const moved = new Set(modules.slice(start, start + 10).map((m) => m.name));
        const { ms, json } = await push(modules.map((m) => (moved.has(m.name) ? { ...m, version: m.fixed } : m)));
        latencies.push(ms);
        for (const k of Object.keys(totals)) totals[k] += json[k];
      }
      const result = {
        bench: 'api-push',
        packages: modules.length,
        affectedPackages: affected,
        firstPush: { ms: Math.round(first.ms), created: first.json.created },
        pushes: PUSHES,
        p50ms: Number(percentile(latencies, 50).toFixed(1)),
        p95ms: Number(percentile(latencies, 95).toFixed(1)),
        perPush: { closed: totals.closed / PUSHES, reopened: totals.reopened / PUSHES, unchanged: Math.round(totals.unchanged / PUSHES) },
        target: 'p50 < 100 ms',
      };
      console.log(`inventory push of ${modules.length} packages, ${affected} of them vulnerable (${first.json.created} findings opened by the first push in ${Math.round(first.ms)} ms): p50 ${result.p50ms} ms, p95 ${result.p95ms} ms over ${PUSHES} pushes each closing ~${result.perPush.closed} and reopening ~${result.perPush.reopened} findings`);
      console.log(JSON.stringify(result));
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPush();
