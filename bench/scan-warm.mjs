// scanInventory on one open reader, as the service calls it: a 300-package inventory scanned
// 1,000 times in a row, and 2,000 different 300-package inventories (resources sharing packages,
// as a fleet does) re-evaluated one after the other. Against the real Go vulnerability database
// with KEV and EPSS. BENCH_BASELINE=DIR also runs DIR/dist (another built checkout) in the same
// run (each checkout in a process of its own) and prints the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from './lib/prng.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const data = join(repo, '../shared/data');
const goDir = join(data, 'golang-vulndb/data/osv');
const kev = join(data, 'cisa-kev/known_exploited_vulnerabilities.json');
const epss = join(data, 'epss/epss_scores.csv.gz');
const repeats = Number(process.env.BENCH_REPEATS ?? 1000);
const resources = Number(process.env.BENCH_RESOURCES ?? 2000);
if (!existsSync(goDir)) {
  console.log(`scan-warm skipped: ${goDir} is absent`);
  process.exit(0);
}

function golang(name, version) {
  return { name, version, type: 'golang', ecosystem: 'Go', purl: `pkg:golang/${name}@${version}`, locations: [{ path: '/app/go.mod' }], foundBy: 'go-mod' };
}

function inventoryOf(packages) {
  return {
    target: { kind: 'directory', name: 'service', path: '/app' },
    packages,
    warnings: [],
    catalogers: [{ name: 'go-mod', version: 1 }],
    createdAt: '2026-11-01T00:00:00.000Z',
    tool: { name: 'vigil', version: 'bench' },
  };
}

/**
 * A fleet's package pool: 1,500 modules no advisory names and 400 that advisories do name, each
 * at an affected, a middling or a fixed version; an inventory takes 280 of the first, 19 of the
 * second and the standard library at one of three Go releases.
 */
async function fleet(modulesWithAdvisories) {
  const next = prng(42); // seeded: every run scans the same inventories
  const pick = (list) => list[Math.floor(next() * list.length)];
  const plain = Array.from({ length: 1500 }, (_, i) => `example.com/fleet/lib${i}`);
  const named = [...modulesWithAdvisories].sort().filter((_, i) => i % 3 === 0).slice(0, 400);
  const make = () => {
    const packages = [];
    const seen = new Set();
    while (packages.length < 280) {
      const name = pick(plain);
      if (!seen.has(name)) seen.add(name), packages.push(golang(name, `v1.${Math.floor(next() * 3)}.0`));
    }
    while (packages.length < 299) {
      const name = pick(named);
      if (!seen.has(name)) seen.add(name), packages.push(golang(name, pick(['v0.0.1', 'v0.5.0', 'v99.0.0'])));
    }
    packages.push(golang('stdlib', pick(['v1.19.8', 'v1.21.0', 'v1.23.4'])));
    return inventoryOf(packages);
  };
  return { make };
}

function time(fn) {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function run(label, dist, work) {
  const { importFeeds } = await import(join(dist, 'vulndb/import.js'));
  const { VulnDbReader } = await import(join(dist, 'vulndb/reader.js'));
  const { scanInventory } = await import(join(dist, 'scan/scan-target.js'));
  const database = join(work, `${label}.sqlite`);
  await importFeeds([goDir, kev, epss], database);

  const modules = new Set();
  {
    const { readdirSync, readFileSync } = await import('node:fs');
    for (const file of readdirSync(goDir)) {
      const record = JSON.parse(readFileSync(join(goDir, file), 'utf8'));
      for (const affected of record.affected ?? []) if (!['stdlib', 'toolchain'].includes(affected.package.name)) modules.add(affected.package.name);
    }
  }
  const { make } = await fleet(modules);

  // 1. One inventory, 1,000 times on one reader.
  let reader = VulnDbReader.open(database);
  const one = make();
  const first = time(() => scanInventory(one, reader));
  globalThis.gc?.();
  const repeated = time(() => {
    let findings = 0;
    for (let i = 0; i < repeats; i++) findings += scanInventory(one, reader).findings.length;
    return findings;
  });
  reader.close();

  // 2. 2,000 different inventories, one after the other, on a fresh reader.
  const inventories = Array.from({ length: resources }, make);
  globalThis.gc?.();
  reader = VulnDbReader.open(database);
  const fleetRun = time(() => {
    let findings = 0;
    for (const inventory of inventories) findings += scanInventory(inventory, reader).findings.length;
    return findings;
  });
  reader.close();
  return {
    firstCallMs: Number(first.ms.toFixed(2)),
    findingsPerScan: first.value.findings.length,
    repeatedCalls: repeats,
    repeatedTotalMs: Math.round(repeated.ms),
    repeatedPerCallMs: Number((repeated.ms / repeats).toFixed(3)),
    fleetResources: resources,
    fleetTotalMs: Math.round(fleetRun.ms),
    fleetPerResourceMs: Number((fleetRun.ms / resources).toFixed(3)),
    fleetFindings: fleetRun.value,
  };
}

/**
 * Runs one checkout in a child process of its own: run one after the other in one process, the
 * second would start with a grown heap and warm shared code, and look faster than it is.
 */
function runApart(label, dist, work) {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_WARM_CHILD: JSON.stringify({ label, dist, work }) },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`scan-warm ${label} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

if (process.env.BENCH_WARM_CHILD) {
  const { label, dist, work } = JSON.parse(process.env.BENCH_WARM_CHILD);
  console.log(JSON.stringify(await run(label, dist, work)));
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-scan-warm-'));
try {
  const result = { bench: 'scan-warm', packagesPerInventory: 300, current: runApart('current', join(repo, 'dist'), work) };
  if (process.env.BENCH_BASELINE) {
    result.baseline = runApart('baseline', join(process.env.BENCH_BASELINE, 'dist'), work);
    result.repeatedRatio = Number((result.current.repeatedTotalMs / result.baseline.repeatedTotalMs).toFixed(3));
    result.fleetRatio = Number((result.current.fleetTotalMs / result.baseline.fleetTotalMs).toFixed(3));
  }
  for (const [label, r] of Object.entries(result).filter(([, v]) => typeof v === 'object')) {
    console.log(
      `${label}: one 300-package inventory ×${r.repeatedCalls} on one reader: ${r.repeatedTotalMs} ms (${r.repeatedPerCallMs} ms a call, first ${r.firstCallMs} ms, ${r.findingsPerScan} findings); ` +
        `${r.fleetResources} different inventories: ${r.fleetTotalMs} ms (${r.fleetPerResourceMs} ms each, ${r.fleetFindings} findings)`,
    );
  }
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
}
