// `vigil scan` of a 10,000-package SBOM against a synthetic database of 200,000 advisories made
// from the real Go vulnerability database (each record copied under new ids and module names).
// Also: importing the real Go database + KEV + EPSS (time, and database size against the raw
// files). Prints medians and peak RSS, and the scan's median CPU time (user + system, every
// thread of the process), which a busy machine inflates far less than it does wall time.
//
// BENCH_BASELINE=DIR (another checkout, built, with its node_modules) scans the same SBOM with
// DIR's `vigil` in the same run, each against a database its own code builds, runs alternating,
// and prints both medians, their ratio, and whether the two reports are identical.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repo = fileURLToPath(new URL('..', import.meta.url));
const data = join(repo, '../shared/data');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const copies = Number(process.env.BENCH_COPIES ?? 47);
const baseline = process.env.BENCH_BASELINE;

const { formatFor } = await import(join(repo, 'dist/sbom/index.js'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timedVigil(args, env = {}, checkout = repo) {
  const script = `
    const { main } = await import(${JSON.stringify(join(checkout, 'dist/cli/main.js'))});
    const code = await main(${JSON.stringify(args)});
    const usage = process.resourceUsage();
    process.stderr.write('maxrss_kib=' + usage.maxRSS + ' cpu_us=' + (usage.userCPUTime + usage.systemCPUTime) + '\\n');
    process.exitCode = code;`;
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`vigil ${args.join(' ')} failed: ${result.stderr}`);
  return {
    ms,
    rssMiB: Number(/maxrss_kib=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024,
    cpuMs: Number(/cpu_us=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1000,
    stdout: result.stdout,
  };
}

/** The synthetic database, built by a checkout's own code (its schema may differ). */
async function buildSynthetic(checkout, path, records) {
  const { VulnDbBuilder } = await import(join(checkout, 'dist/vulndb/builder.js'));
  const { parseOsvRecord } = await import(join(checkout, 'dist/feeds/osv/parse.js'));
  const builder = VulnDbBuilder.open(path);
  for (let copy = 0; copy < copies; copy++) {
    for (const record of records) {
      const clone = structuredClone(record);
      clone.id = `${record.id}-S${copy}`;
      clone.aliases = (record.aliases ?? []).map((a) => `${a}-S${copy}`);
      for (const affected of clone.affected ?? []) {
        if (affected.package.name !== 'stdlib' && affected.package.name !== 'toolchain') affected.package.name = `${affected.package.name}/s${copy}`;
      }
      const parsed = parseOsvRecord(clone, 'bench');
      if (parsed.ok) builder.upsertAdvisory(parsed.advisory);
    }
  }
  builder.commit();
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-scan-'));
try {
  // 1. Import of the real data.
  const goDir = join(data, 'golang-vulndb/data/osv');
  const kev = join(data, 'cisa-kev/known_exploited_vulnerabilities.json');
  const epss = join(data, 'epss/epss_scores.csv.gz');
  // The raw inputs as text: the Go records and KEV as JSON, EPSS as its uncompressed CSV.
  const rawBytes =
    readdirSync(goDir).reduce((n, f) => n + statSync(join(goDir, f)).size, 0) + statSync(kev).size + gunzipSync(readFileSync(epss)).length;
  const importMs = [];
  let dbBytes = 0;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const db = join(work, `import-${i}.sqlite`);
    importMs.push(timedVigil(['db', '--db', db, 'import', goDir, kev, epss]).ms);
    dbBytes = statSync(db).size;
  }

  // 2. The synthetic database.
  const records = readdirSync(goDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(goDir, f), 'utf8')));
  const modules = records.flatMap((record) =>
    (record.affected ?? []).map((affected) => affected.package.name).filter((name) => name !== 'stdlib' && name !== 'toolchain'),
  );
  const big = join(work, 'big.sqlite');
  await buildSynthetic(repo, big, records);
  const bigBaseline = join(work, 'big-baseline.sqlite');
  if (baseline) await buildSynthetic(baseline, bigBaseline, records);
  const advisories = copies * records.length;

  // 3. A 10,000-package SBOM: one package in fifty is a module the advisories name, at an affected
  // version (a realistic density: a few thousand findings); the rest are looked up and not found.
  const packages = [];
  for (let i = 0; i < 10_000; i++) {
    const name = i % 50 === 0 ? `${modules[i % modules.length]}/s${i % copies}` : `example.com/bench/m${i}`;
    const version = i % 50 === 0 ? 'v0.0.1' : 'v1.0.0';
    packages.push({ name, version, type: 'golang', ecosystem: 'Go', purl: `pkg:golang/${name}@${version}`, locations: [{ path: '/app/go.mod' }], foundBy: 'go-mod' });
  }
  const inventory = {
    target: { kind: 'directory', name: 'bench', path: '/bench' },
    packages,
    warnings: [],
    catalogers: [{ name: 'go-mod', version: 1 }],
    createdAt: new Date().toISOString(),
    tool: { name: 'vigil', version: 'bench' },
  };
  const sbom = join(work, 'sbom.cdx.json');
  writeFileSync(sbom, formatFor('cyclonedx-json').write(inventory));

  // Other work on the machine skews every wall time: its load is printed beside them.
  const loadBefore = loadavg()[0];
  const scanMs = [];
  const scanRss = [];
  const baselineMs = [];
  const scanCpu = [];
  const baselineCpu = [];
  let findings = 0;
  let identical;
  for (let i = 0; i < runs; i++) {
    const run = timedVigil(['scan', sbom, '--db', big, '--format', 'json', '--quiet']);
    scanMs.push(run.ms);
    scanRss.push(run.rssMiB);
    scanCpu.push(run.cpuMs);
    findings = JSON.parse(run.stdout).findings.length;
    if (baseline) {
      const before = timedVigil(['scan', sbom, '--db', bigBaseline, '--format', 'json', '--quiet'], {}, baseline);
      baselineMs.push(before.ms);
      baselineCpu.push(before.cpuMs);
      identical = before.stdout === run.stdout && (identical ?? true);
    }
  }
  // The floor: starting Node and loading Vigil, for a sense of what the scan itself costs.
  const startMs = median(Array.from({ length: runs }, () => timedVigil(['--version']).ms));

  const result = {
    bench: 'scan',
    importMedianMs: Math.round(median(importMs)),
    databaseBytes: dbBytes,
    rawFeedBytes: rawBytes,
    databaseToRaw: Number((dbBytes / rawBytes).toFixed(2)),
    syntheticAdvisories: advisories,
    sbomPackages: packages.length,
    findings,
    scanMedianMs: Math.round(median(scanMs)),
    scanCpuMedianMs: Math.round(median(scanCpu)),
    scanPeakRssMiB: Math.round(Math.max(...scanRss)),
    nodeStartMedianMs: Math.round(startMs),
    runs,
    loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))],
    ...(baseline
      ? {
          baselineScanMedianMs: Math.round(median(baselineMs)),
          scanToBaseline: Number((median(scanMs) / median(baselineMs)).toFixed(2)),
          baselineScanCpuMedianMs: Math.round(median(baselineCpu)),
          scanCpuToBaseline: Number((median(scanCpu) / median(baselineCpu)).toFixed(2)),
          identicalToBaseline: identical,
        }
      : {}),
  };
  console.log(`import golang-vulndb + KEV + EPSS: median ${result.importMedianMs} ms; database ${(dbBytes / 2 ** 20).toFixed(1)} MiB = ${result.databaseToRaw}× the raw feeds`);
  console.log(`scan of ${packages.length} packages against ${advisories} advisories: median ${result.scanMedianMs} ms of ${runs} runs (CPU, user + system: ${result.scanCpuMedianMs} ms), peak RSS ${result.scanPeakRssMiB} MiB, ${findings} findings (vigil --version alone: ${result.nodeStartMedianMs} ms; 1-minute load average ${result.loadAverage.join(' → ')})`);
  if (baseline) {
    console.log(`baseline ${baseline}: median ${result.baselineScanMedianMs} ms (CPU ${result.baselineScanCpuMedianMs} ms); this checkout takes ${result.scanToBaseline}× as long (${result.scanCpuToBaseline}× the CPU); reports ${identical ? 'identical' : 'DIFFER'}`);
  }
  console.log(JSON.stringify(result));
} finally {
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
