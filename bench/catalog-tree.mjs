// A generated source tree of 50,000 files holding 5,000 packages across the language
// ecosystems (lockfiles, installed npm and Python packages, jars, go.mod, Cargo.lock, …):
// `vigil sbom DIR` wall time and peak RSS, medians of several runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const TOTAL_FILES = 50_000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

let files = 0;
function write(root, path, content) {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  files++;
}

/** A stored (uncompressed) zip, enough for a jar with a pom.properties. */
function storedZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

function generate(root) {
  let packages = 0;
  // npm: 1,500 installed packages, each with a few source files, and the lockfile naming them.
  const lock = { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0' } } };
  for (let i = 0; i < 1500; i++) {
    const name = `pkg-${i}`;
    write(root, `web/node_modules/${name}/package.json`, JSON.stringify({ name, version: `1.${i % 50}.0`, license: 'MIT' }));
    for (let f = 0; f < 6; f++) write(root, `web/node_modules/${name}/lib/f${f}.js`, `module.exports = ${f};\n`);
    lock.packages[`node_modules/${name}`] = { version: `1.${i % 50}.0`, resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`, ...(i % 5 === 0 ? { dev: true } : {}) };
    packages++;
  }
  write(root, 'web/package-lock.json', JSON.stringify(lock));
  // Python: 1,000 installed distributions.
  for (let i = 0; i < 1000; i++) {
    const dist = `site-packages/py_dist_${i}-2.${i % 30}.1.dist-info`;
    write(root, `venv/lib/python3.11/${dist}/METADATA`, `Metadata-Version: 2.1\nName: py-dist-${i}\nVersion: 2.${i % 30}.1\nLicense: BSD\n`);
    write(root, `venv/lib/python3.11/${dist}/RECORD`, 'x.py,,\n');
    for (let f = 0; f < 3; f++) write(root, `venv/lib/python3.11/site-packages/py_dist_${i}/m${f}.py`, 'pass\n');
    packages++;
  }
  // Java: 300 jars with pom.properties.
  for (let i = 0; i < 300; i++) {
    const jar = storedZip([
      ['META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'],
      [`META-INF/maven/org.bench/lib-${i}/pom.properties`, `groupId=org.bench\nartifactId=lib-${i}\nversion=3.${i % 20}.0\n`],
    ]);
    write(root, `java/lib/lib-${i}-3.${i % 20}.0.jar`, jar);
    packages++;
  }
  // Lockfiles with many entries each: Go, Rust, Ruby, PHP, .NET, Python, Gradle.
  const per = 300;
  write(root, 'go/go.mod', `module example.com/app\n\ngo 1.21\n\nrequire (\n${Array.from({ length: per }, (_, i) => `\texample.com/mod${i} v1.${i}.0\n`).join('')})\n`);
  write(root, 'rust/Cargo.lock', `version = 3\n\n${Array.from({ length: per }, (_, i) => `[[package]]\nname = "crate-${i}"\nversion = "0.${i}.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`).join('\n')}`);
  write(root, 'ruby/Gemfile.lock', `GEM\n  remote: https://rubygems.org/\n  specs:\n${Array.from({ length: per }, (_, i) => `    gem-${i} (1.${i}.0)\n`).join('')}\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  gem-0\n\nBUNDLED WITH\n   2.4.10\n`);
  write(root, 'php/composer.lock', JSON.stringify({ packages: Array.from({ length: per }, (_, i) => ({ name: `vendor/pkg-${i}`, version: `2.${i}.0` })), 'packages-dev': [] }));
  write(root, 'dotnet/packages.lock.json', JSON.stringify({ version: 1, dependencies: { 'net8.0': Object.fromEntries(Array.from({ length: per }, (_, i) => [`Bench.Pkg${i}`, { type: 'Transitive', resolved: `4.${i}.0` }])) } }));
  write(root, 'py/requirements.txt', Array.from({ length: per }, (_, i) => `req-pkg-${i}==5.${i}.0\n`).join(''));
  write(root, 'jvm/gradle.lockfile', `${Array.from({ length: per }, (_, i) => `org.gradle.bench:art-${i}:6.${i}.0=runtimeClasspath\n`).join('')}empty=\n`);
  packages += 7 * per;
  // Filler: source files until the tree holds 50,000 files.
  let filler = 0;
  while (files < TOTAL_FILES) write(root, `src/module${Math.floor(filler / 500)}/file${filler++}.ts`, 'export const x = 1;\n');
  return packages;
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-tree-'));
try {
  const root = join(work, 'tree');
  const planted = generate(root);
  const script = `
    const { main } = await import(${JSON.stringify(join(repo, 'dist/cli/main.js'))});
    const code = await main(['sbom', ${JSON.stringify(root)}, '--quiet', '--format', 'cyclonedx-json', '--output', ${JSON.stringify(join(work, 'out.json'))}]);
    process.stderr.write('maxrss_kib=' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code;`;
  const times = [];
  const rss = [];
  let found = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(result.stderr);
    rss.push(Number(/maxrss_kib=(\d+)/.exec(result.stderr)?.[1]) / 1024);
    const { readFileSync } = await import('node:fs');
    found = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')).components.length;
  }
  const result = { bench: 'catalog-tree', files, plantedPackages: planted, foundComponents: found, medianMs: Math.round(median(times)), peakRssMiB: Math.round(Math.max(...rss)) };
  console.log(`${files} files, ${planted} packages planted, ${found} components found: median ${result.medianMs} ms, peak RSS ${result.peakRssMiB} MiB`);
  console.log(JSON.stringify(result));
} finally {
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
