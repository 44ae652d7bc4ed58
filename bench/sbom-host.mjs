// `vigil sbom /` on this machine against a plain `find / -xdev -type f` walk, in the same run.
// Prints medians of several runs, their ratio, Vigil's peak RSS, and each variant's median CPU
// time (user + system, every thread of the process), which a busy machine inflates far less
// than it does wall time.
//
// BENCH_BASELINE=DIR (another checkout, built, with its node_modules) runs the same variants with
// DIR's `vigil` in the same run, alternating, and prints this checkout's medians against its
// own; the components each writes for the default variant are compared once, untimed.
// BENCH_VARIANTS=osOnly,default runs only those variants (default: all three).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const repo = fileURLToPath(new URL('..', import.meta.url));
const target = process.env.BENCH_TARGET ?? '/';
const baseline = process.env.BENCH_BASELINE;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timed(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && command !== 'find') throw new Error(`${command} failed: ${result.stderr}`);
  return { ms, stderr: result.stderr?.toString() ?? '' };
}

// Vigil runs in a child that reports its own peak RSS and CPU time on stderr as its last line.
function vigilScript(checkout, extra, output = '/dev/null') {
  return `
  const { main } = await import(${JSON.stringify(join(checkout, 'dist/cli/main.js'))});
  const code = await main(['sbom', ${JSON.stringify(target)}, '--quiet', '--output', ${JSON.stringify(output)}, ...${JSON.stringify(extra)}]);
  const usage = process.resourceUsage();
  process.stderr.write('maxrss_kib=' + usage.maxRSS + ' cpu_us=' + (usage.userCPUTime + usage.systemCPUTime) + '\\n');
  process.exitCode = code;
`;
}

function timedVigil(checkout, extra) {
  const run = timed(process.execPath, ['--input-type=module', '-e', vigilScript(checkout, extra)]);
  return {
    ms: run.ms,
    rssMiB: Number(/maxrss_kib=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024,
    cpuMs: Number(/cpu_us=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1000,
  };
}

// Three ways: OS packages only (no language catalogers), the default (OS packages plus the deep
// inspection paths), and --all-paths (every file, the fair match for find's full walk).
const allVariants = {
  osOnly: ['--catalogers', 'os'],
  default: [],
  allPaths: ['--all-paths'],
};
const chosen = process.env.BENCH_VARIANTS?.split(',') ?? Object.keys(allVariants);
const variants = Object.fromEntries(chosen.map((name) => {
  if (!allVariants[name]) throw new Error(`unknown variant ${name}: use ${Object.keys(allVariants).join(', ')}`);
  return [name, allVariants[name]];
}));
const checkouts = { this: repo, ...(baseline ? { baseline } : {}) };
const findMs = [];
const wall = {};
const cpu = {};
for (const who of Object.keys(checkouts)) {
  wall[who] = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  cpu[who] = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
}
const vigilRss = [];
// Warm the page cache once so every side reads from memory, then alternate. The machine's load
// before and after is reported: on a shared machine the ratios are what compare across runs.
const loadBefore = loadavg()[0];
timed('find', [target, '-xdev', '-type', 'f']);
for (let i = 0; i < runs; i++) {
  findMs.push(timed('find', [target, '-xdev', '-type', 'f']).ms);
  for (const [name, extra] of Object.entries(variants)) {
    for (const [who, checkout] of Object.entries(checkouts)) {
      const vigil = timedVigil(checkout, extra);
      wall[who][name].push(vigil.ms);
      cpu[who][name].push(vigil.cpuMs);
      if (who === 'this') vigilRss.push(vigil.rssMiB);
    }
  }
}
const files = spawnSync('sh', ['-c', `find ${target} -xdev -type f | wc -l`]).stdout.toString().trim();
const medians = (byVariant) => Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, Math.round(median(v))]));
const ratio = (a, b) => Number((median(a) / median(b)).toFixed(2));
const result = {
  bench: 'sbom-host',
  target,
  files: Number(files),
  runs,
  findMedianMs: Math.round(median(findMs)),
  vigilMedianMs: medians(wall.this),
  vigilCpuMedianMs: medians(cpu.this),
  ratioToFind: Object.fromEntries(Object.entries(wall.this).map(([k, v]) => [k, ratio(v, findMs)])),
  ...(variants.default && variants.osOnly
    ? { defaultToOsOnly: ratio(wall.this.default, wall.this.osOnly), defaultToOsOnlyCpu: ratio(cpu.this.default, cpu.this.osOnly) }
    : {}),
  vigilPeakRssMiB: Math.round(Math.max(...vigilRss)),
  loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))],
};
if (baseline) {
  result.baseline = {
    checkout: baseline,
    vigilMedianMs: medians(wall.baseline),
    vigilCpuMedianMs: medians(cpu.baseline),
    ...(variants.default && variants.osOnly
      ? { defaultToOsOnly: ratio(wall.baseline.default, wall.baseline.osOnly), defaultToOsOnlyCpu: ratio(cpu.baseline.default, cpu.baseline.osOnly) }
      : {}),
    thisToBaseline: Object.fromEntries(Object.keys(variants).map((k) => [k, ratio(wall.this[k], wall.baseline[k])])),
    thisToBaselineCpu: Object.fromEntries(Object.keys(variants).map((k) => [k, ratio(cpu.this[k], cpu.baseline[k])])),
  };
  // The components each checkout writes for the default variant, compared once (not timed).
  const work = mkdtempSync(join(tmpdir(), 'vigil-sbom-host-'));
  try {
    const components = (checkout, file) => {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', vigilScript(checkout, [], file)], { cwd: repo, stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`vigil sbom in ${checkout} failed`);
      return JSON.parse(readFileSync(file, 'utf8')).components ?? [];
    };
    const mine = components(repo, join(work, 'this.json'));
    const theirs = components(baseline, join(work, 'baseline.json'));
    result.components = mine.length;
    result.baseline.components = theirs.length;
    result.baseline.identicalComponents = JSON.stringify(mine) === JSON.stringify(theirs);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
console.log(`files under ${target}: ${result.files}`);
console.log(`find -xdev -type f: median ${result.findMedianMs} ms`);
for (const name of Object.keys(variants)) {
  console.log(`vigil sbom ${target} (${name}): median ${result.vigilMedianMs[name]} ms (CPU ${result.vigilCpuMedianMs[name]} ms), ${result.ratioToFind[name]}× find`);
}
if (result.defaultToOsOnly !== undefined) console.log(`default / OS-only: ${result.defaultToOsOnly}× (CPU ${result.defaultToOsOnlyCpu}×)`);
console.log(`peak RSS ${result.vigilPeakRssMiB} MiB; load average ${result.loadAverage.join(' → ')}`);
if (baseline) {
  const b = result.baseline;
  for (const name of Object.keys(variants)) {
    console.log(`baseline ${name}: median ${b.vigilMedianMs[name]} ms (CPU ${b.vigilCpuMedianMs[name]} ms); this checkout takes ${b.thisToBaseline[name]}× as long (${b.thisToBaselineCpu[name]}× the CPU)`);
  }
  if (b.defaultToOsOnly !== undefined) console.log(`baseline default / OS-only: ${b.defaultToOsOnly}× (CPU ${b.defaultToOsOnlyCpu}×)`);
  console.log(`default components: ${result.components} here, ${b.components} in the baseline, ${b.identicalComponents ? 'identical' : 'DIFFERENT'}`);
}
console.log(JSON.stringify(result));
