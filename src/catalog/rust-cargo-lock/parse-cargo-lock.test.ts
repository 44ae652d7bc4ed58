import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { hasTool } from '../../../test/harness/tools.js';
import { rustCargoLockCataloger } from './index.js';
import { parseCargoLockText } from './parse-cargo-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/rust-cargolock/', import.meta.url));

function read(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseCargoLockText(text, ctx);
  return { packages, lines: packages.map(packageLine), skipped, warnings };
}

describe('rust-cargo-lock cataloger', () => {
  it('reads registry, sparse, git and path crates of a version 4 lockfile', async () => {
    const result = await catalogTester()
      .fromDirectory('rust-cargo-lock/workspace')
      .withCatalogers(rustCargoLockCataloger)
      .expectsPackages([
        'shop@0.3.0 pkg:cargo/shop@0.3.0',
        'shop-core@0.3.0 pkg:cargo/shop-core@0.3.0',
        'serde@1.0.195 pkg:cargo/serde@1.0.195',
        'tokio@1.35.1 pkg:cargo/tokio@1.35.1',
        'internal-auth@2.1.0 pkg:cargo/internal-auth@2.1.0',
        'wasi@0.11.0+wasi-snapshot-preview1 pkg:cargo/wasi@0.11.0%2Bwasi-snapshot-preview1',
      ]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('serde')).toEqual({
      name: 'serde',
      version: '1.0.195',
      type: 'cargo',
      purl: 'pkg:cargo/serde@1.0.195',
      ecosystem: 'crates.io',
      metadata: { source: 'sparse+https://index.crates.io/' },
      hashes: [{ algorithm: 'SHA-256', value: '63261df402c67811e9ac6def069e4786148c4563f4b50fd4bf30aa370d626b02' }],
      locations: [{ path: '/home/dev/shop/Cargo.lock' }],
      foundBy: 'rust-cargo-lock',
    });
    expect(byName.get('shop')).toMatchObject({ metadata: { source: 'path' } });
    expect(byName.get('shop')!.ecosystem).toBeUndefined();
    expect(byName.get('internal-auth')!.ecosystem).toBeUndefined();
    expect(byName.get('tokio')).toMatchObject({ ecosystem: 'crates.io', metadata: { gitCommit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b' } });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, message: expect.stringContaining('package[6] has no name') })]);
  });

  it('takes checksums from the [metadata] table of a version 1 lockfile', async () => {
    const result = await catalogTester()
      .fromDirectory('rust-cargo-lock/v1')
      .withCatalogers(rustCargoLockCataloger)
      .expectsPackages(['legacy@0.1.0 pkg:cargo/legacy@0.1.0', 'libc@0.2.40 pkg:cargo/libc@0.2.40']);
    expect(result.packages.find((p) => p.name === 'libc')!.hashes).toEqual([{ algorithm: 'SHA-256', value: '6fd41f331ac7c5b8ac259b8bf82c75c0fb2e469bbf37d2becbba9a6a2221965b' }]);
  });

  it("marks development-only the crates only the members' dev and build dependencies reach, by Cargo.toml", async () => {
    const result = await catalogTester().fromDirectory('rust-cargo-lock/dev-marks').withCatalogers(rustCargoLockCataloger).run();
    expect(result.warnings).toEqual([]);
    const ids = (development: boolean) => result.packages.filter((p) => (p.development === true) === development).map((p) => `${p.name}@${p.version}`).sort();
    // serde is a dev-dependency too, but a normal one as well; serde_json and criterion come in
    // renamed; the two itoa are told apart by the lock's "name version"; winres builds only.
    expect(ids(false)).toEqual(['itoa@1.0.10', 'serde@1.0.195', 'serde_json@1.0.111', 'svc@0.1.0']);
    expect(ids(true)).toEqual(['criterion@0.5.1', 'itoa@1.0.9', 'plotters@0.3.5', 'winres@0.1.12']);
  });

  it('leaves the crates unmarked, with a warning, when a Cargo.toml cannot be read', async () => {
    const result = await catalogTester().fromDirectory('rust-cargo-lock/unreadable-manifest').withCatalogers(rustCargoLockCataloger).run();
    expect(result.packages.filter((p) => p.development !== undefined)).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'UNREADABLE_PROJECT', message: expect.stringContaining('/srv/svc/Cargo.toml beside Cargo.lock is not TOML') })]);
  });

  it('warns about a file that is not TOML and never throws', () => {
    expect(read('[[package]\nname = ')).toMatchObject({ lines: [], warnings: [{ code: 'UNREADABLE_LOCKFILE' }] });
    expect(read('package = "no"')).toMatchObject({ lines: [], warnings: [{ code: 'UNREADABLE_LOCKFILE' }] });
    fc.assert(fc.property(fc.string(), (text) => void read(text)));
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('name', 'version', 'source', 'checksum'), fc.oneof(fc.string(), fc.integer(), fc.boolean()))), (entries) => {
        const text = entries.map((e) => `[[package]]\n${Object.entries(e).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n')}\n`).join('\n');
        read(text);
      }),
    );
  });

  it.skipIf(!hasTool('cargo'))('reads a lockfile the real cargo writes for a path-only workspace (offline)', () => {
    const work = mkdtempSync(join(tmpdir(), 'vigil-cargo-'));
    try {
      const files: Record<string, string> = {
        'Cargo.toml': '[workspace]\nmembers = ["app", "util"]\nresolver = "2"\n',
        'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nutil = { path = "../util" }\n',
        'app/src/main.rs': 'fn main() { util::hi(); }\n',
        'util/Cargo.toml': '[package]\nname = "util"\nversion = "0.2.0-beta.1"\nedition = "2021"\n',
        'util/src/lib.rs': 'pub fn hi() {}\n',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
      }
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: work, stdio: 'ignore', env: { ...process.env, CARGO_HOME: join(work, '.cargo') } });
      const { packages, lines, warnings, skipped } = read(readFileSync(join(work, 'Cargo.lock'), 'utf8'));
      expect(lines).toEqual(['app@0.1.0 pkg:cargo/app@0.1.0', 'util@0.2.0-beta.1 pkg:cargo/util@0.2.0-beta.1']);
      expect(packages.map((p) => p.metadata)).toEqual([{ source: 'path' }, { source: 'path' }]);
      expect([...warnings, ...skipped]).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasTool('cargo'))('rust-cargo-lock development marks against the real cargo (offline, path crates)', () => {
  it('marks development-only exactly the crates cargo tree --workspace -e normal leaves out', async () => {
    const work = mkdtempSync(join(tmpdir(), 'vigil-cargo-dev-'));
    try {
      const crate = (name: string, version: string, tables = '') => `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\n${tables}`;
      // A workspace whose members have a renamed dependency, target-specific dev-dependencies and
      // build-dependencies; the dev and build helpers lie outside its folder, so they are no members.
      const files: Record<string, string> = {
        'ws/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        'ws/crates/app/Cargo.toml': crate(
          'app',
          '0.1.0',
          '\n[dependencies]\ncore = { path = "../core-lib", package = "core-lib" }\n\n[target.\'cfg(unix)\'.dev-dependencies]\ntest-helpers = { path = "../../../outside/test-helpers" }\n\n[build-dependencies]\nbuild-helper = { path = "../../../outside/build-helper" }\n',
        ),
        'ws/crates/app/src/main.rs': 'fn main() {}\n',
        'ws/crates/app/build.rs': 'fn main() {}\n',
        'ws/crates/core-lib/Cargo.toml': crate('core-lib', '0.2.0', '\n[dependencies]\nshared = { path = "../../vendor/shared" }\n\n[dev-dependencies]\nmock = { path = "../../../outside/mock" }\n'),
        'ws/crates/core-lib/src/lib.rs': '',
        'ws/vendor/shared/Cargo.toml': crate('shared', '1.0.0'),
        'ws/vendor/shared/src/lib.rs': '',
        'outside/test-helpers/Cargo.toml': crate('test-helpers', '1.0.0', '\n[dependencies]\nshared-dev = { path = "../shared-dev" }\n'),
        'outside/test-helpers/src/lib.rs': '',
        'outside/shared-dev/Cargo.toml': crate('shared-dev', '1.0.0'),
        'outside/shared-dev/src/lib.rs': '',
        'outside/build-helper/Cargo.toml': crate('build-helper', '1.0.0'),
        'outside/build-helper/src/lib.rs': '',
        'outside/mock/Cargo.toml': crate('mock', '1.0.0'),
        'outside/mock/src/lib.rs': '',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
      }
      const cargo = (args: string[]) => execFileSync('cargo', [...args, '--offline'], { cwd: join(work, 'ws'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CARGO_HOME: join(work, '.cargo') } });
      cargo(['generate-lockfile']);
      // "name vX.Y.Z (path)" a line, repeats marked "(*)": what the workspace needs at run time.
      const runtime = new Set(cargo(['tree', '--workspace', '-e', 'normal', '--prefix', 'none']).split('\n').flatMap((line) => {
        const match = /^(\S+) v(\S+)/.exec(line);
        return match ? [`${match[1]}@${match[2]}`] : [];
      }));
      const result = await catalogTester().fromDirectory(join(work, 'ws')).withCatalogers(rustCargoLockCataloger).run();
      expect(result.warnings).toEqual([]);
      const ids = (packages: typeof result.packages) => packages.map((p) => `${p.name}@${p.version}`).sort();
      expect(ids(result.packages.filter((p) => !p.development))).toEqual([...runtime].sort());
      expect(ids(result.packages.filter((p) => p.development))).toEqual(['build-helper@1.0.0', 'mock@1.0.0', 'shared-dev@1.0.0', 'test-helpers@1.0.0']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(shared))('rust-cargo-lock cataloger on the shared rust-cargolock files', () => {
  const file = (name: string) => read(readFileSync(`${shared}${name}`, 'utf8'));
  const addr2line = 'addr2line@0.15.2 pkg:cargo/addr2line@0.15.2';
  const syn173 = 'syn@1.0.73 pkg:cargo/syn@1.0.73';

  it.each([
    ['empty.lock', []],
    ['one-package.lock', [addr2line]],
    ['two-packages.lock', [addr2line, syn173]],
    ['two-packages-with-local.lock', [addr2line, 'local-rust-pkg@0.1.0 pkg:cargo/local-rust-pkg@0.1.0']],
    ['package-with-comments.lock', [addr2line, syn173]],
    ['package-with-build-string.lock', ['wasi@0.10.2+wasi-snapshot-preview1 pkg:cargo/wasi@0.10.2%2Bwasi-snapshot-preview1']],
    ['duplicate.lock', [syn173, 'syn@2.0.0 pkg:cargo/syn@2.0.0']],
    [
      'many-packages.lock',
      [
        'zstd@0.11.2 pkg:cargo/zstd@0.11.2',
        'aho-corasick@0.7.18 pkg:cargo/aho-corasick@0.7.18',
        'memchr@2.4.1 pkg:cargo/memchr@2.4.1',
        'syn@1.0.109 pkg:cargo/syn@1.0.109',
        'libc@0.2.140 pkg:cargo/libc@0.2.140',
        'syn@2.0.15 pkg:cargo/syn@2.0.15',
      ],
    ],
  ])('%s', (name, expected) => {
    const { lines, warnings, skipped } = file(name);
    expect(lines).toEqual(expected);
    expect([...warnings, ...skipped]).toEqual([]);
  });

  it('marks the path crate and the git crate by source', () => {
    expect(file('two-packages-with-local.lock').packages[1]).toMatchObject({ metadata: { source: 'path' } });
    expect(file('package-with-comments.lock').packages[1]).toMatchObject({
      ecosystem: 'crates.io',
      metadata: { source: 'git+https://github.com/rust-lang/cargo?branch=master#061a9ab4cfabf2a403dbeab4bbcb8ff97d344dff', gitCommit: '061a9ab4cfabf2a403dbeab4bbcb8ff97d344dff' },
    });
  });

  it('warns about a file that is not TOML', () => {
    expect(file('not-toml.txt')).toMatchObject({ lines: [], warnings: [{ code: 'UNREADABLE_LOCKFILE' }] });
  });
});
