// `vigil sbom /` on this machine against a plain `find / -xdev -type f` walk, in the same run.
// Prints medians of several runs, their ratio, and Vigil's peak RSS.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const repo = fileURLToPath(new URL('..', import.meta.url));
const target = process.env.BENCH_TARGET ?? '/';

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

// Vigil runs in a child that reports its own peak RSS on stderr as its last line.
function vigilScript(extra) {
  return `
  const { main } = await import(${JSON.stringify(`${repo}dist/cli/main.js`)});
  const code = await main(['sbom', ${JSON.stringify(target)}, '--quiet', '--output', '/dev/null', ...${JSON.stringify(extra)}]);
  process.stderr.write('maxrss_kib=' + process.resourceUsage().maxRSS + '\\n');
  process.exitCode = code;
`;
}

// Three ways: OS packages only (no language catalogers), the default (OS packages plus the deep
// inspection paths), and --all-paths (every file, the fair match for find's full walk).
const variants = {
  osOnly: ['--catalogers', 'os'],
  default: [],
  allPaths: ['--all-paths'],
};
const findMs = [];
const vigilMs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const vigilRss = [];
// Warm the page cache once so every side reads from memory, then alternate. The machine's load
// before and after is reported: on a shared machine the ratios are what compare across runs.
const loadBefore = loadavg()[0];
timed('find', [target, '-xdev', '-type', 'f']);
for (let i = 0; i < runs; i++) {
  findMs.push(timed('find', [target, '-xdev', '-type', 'f']).ms);
  for (const [name, extra] of Object.entries(variants)) {
    const vigil = timed(process.execPath, ['--input-type=module', '-e', vigilScript(extra)]);
    vigilMs[name].push(vigil.ms);
    vigilRss.push(Number(/maxrss_kib=(\d+)/.exec(vigil.stderr)?.[1] ?? NaN) / 1024);
  }
}
const files = spawnSync('sh', ['-c', `find ${target} -xdev -type f | wc -l`]).stdout.toString().trim();
const result = {
  bench: 'sbom-host',
  target,
  files: Number(files),
  runs,
  findMedianMs: Math.round(median(findMs)),
  vigilMedianMs: Object.fromEntries(Object.entries(vigilMs).map(([k, v]) => [k, Math.round(median(v))])),
  ratioToFind: Object.fromEntries(Object.entries(vigilMs).map(([k, v]) => [k, Number((median(v) / median(findMs)).toFixed(2))])),
  defaultToOsOnly: Number((median(vigilMs.default) / median(vigilMs.osOnly)).toFixed(2)),
  vigilPeakRssMiB: Math.round(Math.max(...vigilRss)),
  loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))],
};
console.log(`files under ${target}: ${result.files}`);
console.log(`find -xdev -type f: median ${result.findMedianMs} ms`);
for (const name of Object.keys(variants)) {
  console.log(`vigil sbom ${target} (${name}): median ${result.vigilMedianMs[name]} ms, ${result.ratioToFind[name]}× find`);
}
console.log(`default / OS-only: ${result.defaultToOsOnly}×; peak RSS ${result.vigilPeakRssMiB} MiB; load average ${result.loadAverage.join(' → ')}`);
console.log(JSON.stringify(result));
