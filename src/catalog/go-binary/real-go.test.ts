/**
 * The go-binary cataloger against the real Go toolchain: small programs are built with `go build`
 * for Linux (ELF, 32 and 64 bits, both byte orders), Windows (PE) and macOS (Mach-O), with a
 * module from a local file proxy, a module replaced by another module and one replaced by a
 * directory; what we read must be exactly what `go version -m` prints. A Go binary shipped by
 * Debian (docker-registry) is checked against a recorded `go version -m` listing too.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTester, countingBytes, memoryFile, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { cacheDir, hasTool } from '../../../test/harness/tools.js';
import { writeZip, zipFile } from '../../../test/harness/zip-writer.js';
import type { ParsedPackage } from '../../model/package.js';
import { goModulePackage } from '../go-mod/go-package.js';
import { readExecutable } from '../binary/executable.js';
import { readGoBuildInfo } from './build-info.js';
import { goBinaryCataloger } from './index.js';
import { parseGoModInfo } from './parse-mod-info.js';

const haveGo = hasTool('go');
const dockerRegistry = '/usr/bin/docker-registry';
/** Debian's Go toolchain (golang-go): the go command is itself a Go binary. */
const debianGo = readdirSync('/usr/lib', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^go-1\.\d+$/.test(entry.name))
  .map((entry) => `/usr/lib/${entry.name}/bin/go`)
  .find((path) => existsSync(path));
/** Reading a Go binary's build info takes its header, tables and one 64 KiB window, whatever its size. */
const RANGED_READ_BUDGET = 128 * 1024;
const recorded = fileURLToPath(new URL('../../../test/fixtures/catalog/go-binary/docker-registry.go-version-m.txt', import.meta.url));

/** `go version -m` output split into the Go version and the module text the binary holds. */
function splitListing(listing: string): { goVersion: string; modInfo: string } {
  const [first = '', ...rest] = listing.replace(/\n$/, '').split('\n');
  const goVersion = first.slice(first.lastIndexOf(': ') + 2);
  const lines = rest.map((line) => line.replace(/^\t/, ''));
  return { goVersion, modInfo: lines.length > 0 ? `${lines.join('\n')}\n` : '' };
}

/**
 * The packages a listing stands for, by the rules the cataloger documents: each dep (its
 * replacement when there is one; a directory replacement has no version and is left out), the
 * main module unless "(devel)", and stdlib at the toolchain's version written as "vX.Y.Z".
 */
function expectedFromListing(listing: string): string[] {
  const { goVersion, modInfo } = splitListing(listing);
  const lines = modInfo.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  lines.forEach(([word, path, version], i) => {
    if (word !== 'dep' && word !== 'mod') return;
    const next = lines[i + 1];
    const [p, v] = next?.[0] === '=>' ? [next[1]!, next[2]!] : [path!, version!];
    if (p.startsWith('.') || p.startsWith('/') || v === '(devel)' || v === '') return;
    out.push(`${p}@${v}`);
  });
  const [, major, minor, patch = '0'] = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(goVersion)!;
  out.push(`stdlib@v${major}.${minor}.${patch}`);
  return out.map((line) => {
    const at = line.lastIndexOf('@');
    return packageLine(goModulePackage(line.slice(0, at), line.slice(at + 1)) as ParsedPackage);
  });
}

async function catalog(path: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await goBinaryCataloger.parse(memoryFile(path, readFileSync(path)), ctx);
  return { packages, lines: packages.map(packageLine), skipped, warnings };
}

async function readInfo(path: string) {
  const exe = await readExecutable(readFileSync(path));
  const found = exe && (await readGoBuildInfo(exe));
  if (!found || found.kind !== 'found') throw new Error(`no build info in ${path}`);
  return found.info;
}

/** The packages of a binary read by ranges, and how much of it was read. */
async function catalogByRanges(path: string) {
  const bytes = countingBytes(readFileSync(path));
  const { ctx, warnings } = recordingContext();
  const packages = await goBinaryCataloger.parse({ ...memoryFile(path, Buffer.alloc(0)), size: bytes.size, readRange: bytes.readRange, read: () => Promise.reject(new Error('read whole')) }, ctx);
  return { lines: packages.map(packageLine), warnings, bytes };
}

describe.skipIf(!existsSync(dockerRegistry))('a Go binary Debian ships (docker-registry)', () => {
  it('yields the packages of the recorded `go version -m` listing', async () => {
    const listing = readFileSync(recorded, 'utf8');
    const { lines, warnings } = await catalog(dockerRegistry);
    expect(lines.sort()).toEqual(expectedFromListing(listing).sort());
    expect(warnings).toEqual([]);
    // Built in GOPATH mode: no module lines, so the toolchain's standard library is all there is.
    expect(lines).toEqual(['stdlib@v1.19.8 pkg:golang/stdlib@v1.19.8']);
    expect((await readInfo(dockerRegistry)).goVersion).toBe(splitListing(listing).goVersion);
  });

  it('reads it by ranges: a few reads, a sliver of its 20 MB, the same packages', async () => {
    const { lines, warnings, bytes } = await catalogByRanges(dockerRegistry);
    expect(lines).toEqual((await catalog(dockerRegistry)).lines);
    expect(warnings).toEqual([]);
    expect(bytes.reads.length).toBeLessThanOrEqual(6);
    expect(bytes.bytesRead).toBeLessThan(RANGED_READ_BUDGET);
  });

  it.skipIf(!haveGo)('reads the same build info as a live `go version -m`', async () => {
    const live = execFileSync('go', ['version', '-m', dockerRegistry], { encoding: 'utf8' });
    const info = await readInfo(dockerRegistry);
    expect({ goVersion: info.goVersion, modInfo: info.modInfo }).toEqual(splitListing(live));
  });
});

describe.skipIf(debianGo === undefined)('the go command Debian ships (golang-go)', () => {
  it('yields its standard library, read by ranges', async () => {
    const { lines, warnings, bytes } = await catalogByRanges(debianGo!);
    expect(warnings).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stdlib@v1\.\d+\.\d+ pkg:golang\/stdlib@v1\.\d+\.\d+$/);
    expect(bytes.bytesRead).toBeLessThan(RANGED_READ_BUDGET);
  });

  it.skipIf(!haveGo)('reads what `go version -m` reads', async () => {
    const live = execFileSync('go', ['version', '-m', debianGo!], { encoding: 'utf8' });
    const info = await readInfo(debianGo!);
    expect({ goVersion: info.goVersion, modInfo: info.modInfo }).toEqual(splitListing(live));
  });
});

if (!haveGo) {
  describe('Go binaries built with the real toolchain', () => {
    it.skip('needs `go` on the PATH (Debian: apt-get install golang-go)', () => undefined);
  });
}

const programs = {
  'app/go.mod': `module example.com/app

go 1.18

require (
\texample.com/greet v0.0.0-00010101000000-000000000000
\texample.com/old v1.0.0
\texample.com/quote v1.2.0
)

replace example.com/old v1.0.0 => example.com/fork/old v1.3.1

replace example.com/greet => ../greet
`,
  'app/main.go': `package main

import (
\t"fmt"

\t"example.com/greet"
\t"example.com/old"
\t"example.com/quote"
)

func main() { fmt.Println(greet.Hello(), old.Name(), quote.Go()) }
`,
  'greet/go.mod': 'module example.com/greet\n\ngo 1.18\n',
  'greet/greet.go': 'package greet\n\nfunc Hello() string { return "hello" }\n',
};

/** Modules served from a file:// proxy, so no network is needed. */
const proxyModules = [
  { path: 'example.com/quote', version: 'v1.2.0', mod: 'module example.com/quote\n\ngo 1.18\n', files: { 'quote.go': 'package quote\n\nfunc Go() string { return "Don\'t communicate by sharing memory." }\n' } },
  // A fork whose go.mod keeps the original path, as forks used through `replace` do.
  { path: 'example.com/fork/old', version: 'v1.3.1', mod: 'module example.com/old\n\ngo 1.18\n', files: { 'old.go': 'package old\n\nfunc Name() string { return "fork" }\n' } },
];

const targets: Array<[goos: string, goarch: string, format: string]> = [
  ['linux', 'amd64', 'elf/64/le'],
  ['linux', 'arm64', 'elf/64/le'],
  ['linux', '386', 'elf/32/le'],
  ['linux', 'mips', 'elf/32/be'],
  ['windows', 'amd64', 'pe/64/le'],
  ['windows', '386', 'pe/32/le'],
  ['darwin', 'amd64', 'macho/64/le'],
  ['darwin', 'arm64', 'macho/64/le'],
];

describe.skipIf(!haveGo)('Go binaries built with the real toolchain', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const goVersion = haveGo ? execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim() : '';

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-go-binary-'));
    for (const [path, text] of Object.entries(programs)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    for (const m of proxyModules) {
      const dir = join(work, 'proxy', m.path, '@v');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'list'), `${m.version}\n`);
      writeFileSync(join(dir, `${m.version}.info`), JSON.stringify({ Version: m.version, Time: '2024-01-02T03:04:05Z' }));
      writeFileSync(join(dir, `${m.version}.mod`), m.mod);
      const prefix = `${m.path}@${m.version}/`;
      const entries = [zipFile(`${prefix}go.mod`, m.mod), ...Object.entries(m.files).map(([name, text]) => zipFile(`${prefix}${name}`, text))];
      writeFileSync(join(dir, `${m.version}.zip`), writeZip(entries));
    }
    env = {
      ...process.env,
      GOFLAGS: '-mod=mod',
      GOPROXY: `file://${join(work, 'proxy')}`,
      GOSUMDB: 'off',
      GOPATH: join(work, 'gopath'),
      GOMODCACHE: join(work, 'modcache'),
      GOCACHE: process.env.GOCACHE ?? cacheDir('go-build'),
      GOTOOLCHAIN: 'local',
      GOWORK: 'off',
      CGO_ENABLED: '0',
    };
  });

  afterAll(() => {
    if (!work) return;
    // The module cache is written read-only.
    execFileSync('chmod', ['-R', 'u+w', work]);
    rmSync(work, { recursive: true, force: true });
  });

  function build(goos: string, goarch: string, extra: string[] = []): string {
    const out = join(work, 'bin', `app-${goos}-${goarch}${goos === 'windows' ? '.exe' : ''}`);
    execFileSync('go', ['build', '-buildvcs=false', ...extra, '-o', out, '.'], {
      cwd: join(work, 'app'),
      env: { ...env, GOOS: goos, GOARCH: goarch },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out;
  }

  it.each(targets)('%s/%s: build info equals `go version -m`, packages follow from it', async (goos, goarch, format) => {
    const binary = build(goos, goarch);
    const exe = (await readExecutable(readFileSync(binary)))!;
    expect(`${exe.format}/${exe.bits}/${exe.littleEndian ? 'le' : 'be'}`).toBe(format);
    const listing = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', env });
    const info = await readInfo(binary);
    expect({ goVersion: info.goVersion, modInfo: info.modInfo }).toEqual(splitListing(listing));
    expect(parseGoModInfo(info.modInfo).problems).toEqual([]);

    const { lines, packages, skipped, warnings } = await catalog(binary);
    expect(lines.sort()).toEqual(expectedFromListing(listing).sort());
    // By ranges: the same packages from a sliver of the binary, whatever its format.
    const ranged = await catalogByRanges(binary);
    expect(ranged.lines.sort()).toEqual(lines);
    expect(ranged.bytes.bytesRead).toBeLessThan(RANGED_READ_BUDGET);
    expect(ranged.bytes.bytesRead).toBeLessThan(ranged.bytes.size / 4);
    const [, major, minor, patch = '0'] = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(goVersion)!;
    const stdlib = `v${major}.${minor}.${patch}`;
    expect(lines.sort()).toEqual([
      'example.com/fork/old@v1.3.1 pkg:golang/example.com/fork/old@v1.3.1',
      'example.com/quote@v1.2.0 pkg:golang/example.com/quote@v1.2.0',
      `stdlib@${stdlib} pkg:golang/stdlib@${stdlib}`,
    ]);
    expect(warnings).toEqual([]);
    expect(skipped).toEqual(['example.com/greet v0.0.0-00010101000000-000000000000 is replaced by the directory ../greet, which has no version']);
    const fork = packages.find((p) => p.name === 'example.com/fork/old')!;
    expect(fork).toMatchObject({ ecosystem: 'Go', type: 'golang', metadata: { replaces: 'example.com/old', replacesVersion: 'v1.0.0' } });
    expect(fork.metadata!.sum).toMatch(/^h1:/);
    expect(packages.find((p) => p.name === 'stdlib')!.metadata).toEqual({ goVersion, GOOS: goos, GOARCH: goarch });
  }, 300_000);

  it('reads quoted build settings as go version -m prints them, and finds the binary by content', async () => {
    const binary = build('linux', 'amd64', ['-ldflags=-s -w -X main.unused=1', '-tags=netgo osusergo']);
    const listing = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', env });
    const info = await readInfo(binary);
    expect(info.modInfo).toBe(splitListing(listing).modInfo);
    expect(info.modInfo).toContain('build\t-ldflags="-s -w -X main.unused=1"\n');
    const settings = parseGoModInfo(info.modInfo).settings;
    expect(settings).toEqual(expect.arrayContaining([['-ldflags', '-s -w -X main.unused=1'], ['-tags', 'netgo,osusergo']]));

    // Through the catalog driver, as a scan finds it: by its execute bit and magic, not its name.
    const root = join(work, 'rootfs');
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/local/bin/app'), readFileSync(binary));
    chmodSync(join(root, 'usr/local/bin/app'), 0o755);
    writeFileSync(join(root, 'usr/local/bin/not-executable'), readFileSync(binary));
    const result = await catalogTester().fromDirectory(root).withCatalogers(goBinaryCataloger).expectsPackages(expectedFromListing(listing));
    expect(result.packages.every((p) => p.locations[0]!.path === '/usr/local/bin/app' && p.foundBy === 'go-binary')).toBe(true);
  }, 300_000);
});
