// `vigil sbom /` on this machine against a plain `find / -xdev -type f` walk, in the same run.
// Prints medians of several runs, their ratio, and Vigil's peak RSS.
import { spawnSync } from 'node:child_process';
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
const vigilScript = `
  const { main } = await import(${JSON.stringify(`${repo}dist/cli/main.js`)});
  const code = await main(['sbom', ${JSON.stringify(target)}, '--quiet', '--output', '/dev/null']);
  process.stderr.write('maxrss_kib=' + process.resourceUsage().maxRSS + '\\n');
  process.exitCode = code;
`;

const findMs = [];
const vigilMs = [];
const vigilRss = [];
// Warm the page cache once so both sides read from memory, then alternate.
timed('find', [target, '-xdev', '-type', 'f']);
for (let i = 0; i < runs; i++) {
  findMs.push(timed('find', [target, '-xdev', '-type', 'f']).ms);
  const vigil = timed(process.execPath, ['--input-type=module', '-e', vigilScript]);
  vigilMs.push(vigil.ms);
  vigilRss.push(Number(/maxrss_kib=(\d+)/.exec(vigil.stderr)?.[1] ?? NaN) / 1024);
}
const files = spawnSync('sh', ['-c', `find ${target} -xdev -type f | wc -l`]).stdout.toString().trim();
const result = {
  bench: 'sbom-host',
  target,
  files: Number(files),
  runs,
  findMedianMs: Math.round(median(findMs)),
  vigilMedianMs: Math.round(median(vigilMs)),
  ratio: Number((median(vigilMs) / median(findMs)).toFixed(2)),
  vigilPeakRssMiB: Math.round(Math.max(...vigilRss)),
};
console.log(`files under ${target}: ${result.files}`);
console.log(`find -xdev -type f: median ${result.findMedianMs} ms`);
console.log(`vigil sbom ${target}: median ${result.vigilMedianMs} ms (ratio ${result.ratio}×), peak RSS ${result.vigilPeakRssMiB} MiB`);
console.log(JSON.stringify(result));
