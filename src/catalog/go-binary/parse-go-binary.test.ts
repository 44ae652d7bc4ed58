import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElf, buildFatMachO, buildMachO, buildPe } from '../../../test/fixtures/catalog/binary/make-executable.js';
import { inlineBuildInfo, pointerBuildInfo } from '../../../test/fixtures/catalog/go-binary/make-buildinfo.js';
import { memoryFile, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { goBinaryCataloger } from './index.js';
import { parseGoBinary, stdlibVersion } from './parse-go-binary.js';
import { parseGoModInfo } from './parse-mod-info.js';

const modInfo = [
  'path\texample.com/tool/cmd/tool',
  'mod\texample.com/tool\tv1.4.0\th1:main=',
  'dep\tgithub.com/BurntSushi/toml\tv1.3.2\th1:toml=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:net=',
  '=>\texample.com/fork/net\tv0.17.1-fork.1\th1:fork=',
  'dep\texample.com/local\tv0.0.0-00010101000000-000000000000',
  '=>\t../local\t(devel)\t',
  'dep\tgopkg.in/yaml.v3\tv3.0.1\th1:yaml=',
  'build\t-compiler=gc',
  'build\t-ldflags="-s -w"',
  'build\tGOARCH=arm64',
  'build\tGOOS=linux',
  'build\tvcs.revision=0123456789abcdef0123456789abcdef01234567',
  '',
].join('\n');

const expectedLines = [
  'example.com/tool@v1.4.0 pkg:golang/example.com/tool@v1.4.0',
  'github.com/BurntSushi/toml@v1.3.2 pkg:golang/github.com/BurntSushi/toml@v1.3.2',
  'example.com/fork/net@v0.17.1-fork.1 pkg:golang/example.com/fork/net@v0.17.1-fork.1',
  'gopkg.in/yaml.v3@v3.0.1 pkg:golang/gopkg.in/yaml.v3@v3.0.1',
  'stdlib@v1.17.13 pkg:golang/stdlib@v1.17.13',
];

async function read(bytes: Buffer) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseGoBinary(bytes, ctx);
  return { packages, lines: packages.map(packageLine), skipped, warnings };
}

describe('stdlibVersion', () => {
  it.each([
    ['go1.21.5', 'v1.21.5'],
    ['go1.20', 'v1.20.0'],
    ['go1.21rc2', 'v1.21.0-rc.2'],
    ['go1.9beta1', 'v1.9.0-beta.1'],
    ['go1.22.0 X:loopvar', 'v1.22.0'],
    ['go1.21.5-bigcorp', 'v1.21.5'],
    ['go1', 'v1.0.0'],
    ['devel go1.22-3a6f8e2 Tue Nov 7 2023', undefined],
    ['gccgo', undefined],
  ])('%s → %s', (go, expected) => expect(stdlibVersion(go)).toBe(expected));
});

describe('parseGoModInfo', () => {
  it('reads path, main module, deps with replacements and build settings', () => {
    const info = parseGoModInfo(modInfo);
    expect(info.path).toBe('example.com/tool/cmd/tool');
    expect(info.main).toEqual({ path: 'example.com/tool', version: 'v1.4.0', sum: 'h1:main=' });
    expect(info.deps[1]).toEqual({ path: 'golang.org/x/net', version: 'v0.17.0', sum: 'h1:net=', replace: { path: 'example.com/fork/net', version: 'v0.17.1-fork.1', sum: 'h1:fork=' } });
    expect(info.deps[2]!.replace).toEqual({ path: '../local', version: '(devel)', sum: '' });
    expect(info.settings).toEqual([
      ['-compiler', 'gc'],
      ['-ldflags', '-s -w'],
      ['GOARCH', 'arm64'],
      ['GOOS', 'linux'],
      ['vcs.revision', '0123456789abcdef0123456789abcdef01234567'],
    ]);
    expect(info.problems).toEqual([]);
  });

  it('unquotes keys and values the way Go quotes them, and reports bad lines', () => {
    const info = parseGoModInfo('build\t"key with space"=`raw value`\nbuild\tCGO_CFLAGS="-I\\"x\\"\\t\\x41"\nbuild\t=v\nbuild\tnoequals\n=>\ta\tv1\th\ndep\tonly\nwhat\tis this\n');
    expect(info.settings).toEqual([
      ['key with space', 'raw value'],
      ['CGO_CFLAGS', '-I"x"\tA'],
    ]);
    expect(info.problems).toEqual([
      'line 3: build line with a missing key',
      'line 4: build line missing "="',
      'line 5: replacement with no module on the line before',
      'line 6: dep line has 1 columns, not 2 or 3',
      'line 7: unknown line "what"',
    ]);
  });
});

describe('go-binary cataloger on hand-built binaries', () => {
  const goVersion = 'go1.17.13';

  it.each([
    ['ELF64 LE, Go 1.18+ inline strings', () => buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo(goVersion, modInfo), address: 0x500000, writable: true }])],
    [
      'ELF32 BE (mips), pointers',
      () => buildElf({ bits: 32, littleEndian: false }, [{ name: '.go.buildinfo', data: pointerBuildInfo(goVersion, modInfo, { address: 0x10000, pointerSize: 4, bigEndian: true }), address: 0x10000, writable: true }]),
    ],
    [
      'ELF64 BE (s390x), pointers, no section headers (found in the first writable segment)',
      () =>
        buildElf(
          { bits: 64, littleEndian: false },
          [
            { name: '.text', data: Buffer.alloc(64, 0x90), address: 0x1000 },
            { name: '.data', data: Buffer.concat([Buffer.alloc(48), pointerBuildInfo(goVersion, modInfo, { address: 0x2030, pointerSize: 8, bigEndian: true })]), address: 0x2000, writable: true },
          ],
          { withSectionHeaders: false },
        ),
    ],
    [
      'PE32, pointers, in the first writable data section',
      () =>
        buildPe(32, 0x400000, [
          { name: '.text', data: Buffer.alloc(32, 0xcc), address: 0x401000 },
          { name: '.data', data: pointerBuildInfo(goVersion, modInfo, { address: 0x402000, pointerSize: 4, bigEndian: false }), address: 0x402000, writable: true },
        ]),
    ],
    ['PE32+, inline', () => buildPe(64, 0x140000000, [{ name: '.data', data: inlineBuildInfo(goVersion, modInfo), address: 0x140001000, writable: true }])],
    [
      'Mach-O 64, pointers, __go_buildinfo',
      () => buildMachO({ bits: 64, littleEndian: true }, [{ name: '__go_buildinfo', data: pointerBuildInfo(goVersion, modInfo, { address: 0x100004000, pointerSize: 8, bigEndian: false }), address: 0x100004000, writable: true }]),
    ],
    [
      'universal Mach-O, inline',
      () => buildFatMachO([buildMachO({ bits: 64, littleEndian: true }, [{ name: '__go_buildinfo', data: inlineBuildInfo(goVersion, modInfo), address: 0x100004000, writable: true }])]),
    ],
  ])('%s', async (_label, make) => {
    const { packages, lines, skipped, warnings } = await read(make());
    expect(lines).toEqual(expectedLines);
    expect(warnings).toEqual([]);
    expect(skipped).toEqual(['example.com/local v0.0.0-00010101000000-000000000000 is replaced by the directory ../local, which has no version']);
    expect(packages[0]!.metadata).toEqual({
      main: true,
      mainPackage: 'example.com/tool/cmd/tool',
      sum: 'h1:main=',
      '-compiler': 'gc',
      '-ldflags': '-s -w',
      GOARCH: 'arm64',
      GOOS: 'linux',
      'vcs.revision': '0123456789abcdef0123456789abcdef01234567',
    });
    expect(packages[2]!.metadata).toEqual({ sum: 'h1:fork=', replaces: 'golang.org/x/net', replacesVersion: 'v0.17.0' });
    expect(packages[4]).toEqual({ name: 'stdlib', version: 'v1.17.13', type: 'golang', purl: 'pkg:golang/stdlib@v1.17.13', ecosystem: 'Go', metadata: { goVersion, GOOS: 'linux', GOARCH: 'arm64' } });
  });

  it('ignores a magic that is not 16-byte aligned, and executables without build info', async () => {
    const misaligned = Buffer.concat([Buffer.alloc(8), inlineBuildInfo(goVersion, modInfo)]);
    expect((await read(buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: misaligned, address: 0x1000, writable: true }]))).lines).toEqual([]);
    expect(await read(buildElf({ bits: 64, littleEndian: true }, [{ name: '.data', data: Buffer.from('hello'), address: 0x1000, writable: true }]))).toEqual({ packages: [], lines: [], skipped: [], warnings: [] });
    expect((await read(Buffer.from('not a binary'))).lines).toEqual([]);
  });

  it('reports only the standard library of a binary built outside module mode; (devel) main modules are left out', async () => {
    const gopath = buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo('go1.19.8', 'path\tcmd/go\nbuild\tGOOS=linux\n'), address: 0x1000, writable: true }]);
    expect((await read(gopath)).lines).toEqual(['stdlib@v1.19.8 pkg:golang/stdlib@v1.19.8']);
    const devel = buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo('go1.19.8', 'path\ta/b\nmod\ta/b\t(devel)\t\n'), address: 0x1000, writable: true }]);
    expect((await read(devel)).lines).toEqual(['stdlib@v1.19.8 pkg:golang/stdlib@v1.19.8']);
  });

  it('warns when a blob is found but its pointers lead nowhere', async () => {
    const blob = pointerBuildInfo(goVersion, modInfo, { address: 0x9000, pointerSize: 8, bigEndian: false });
    const { lines, warnings } = await read(buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: blob, address: 0x1000, writable: true }]));
    expect(lines).toEqual([]);
    expect(warnings).toEqual([{ code: 'UNREADABLE_GO_BUILDINFO', message: 'the Go build information cannot be read: the Go version pointer leads nowhere' }]);
  });

  it('sniffs executables and reads them through the cataloger', async () => {
    const bytes = buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo(goVersion, modInfo), address: 0x500000, writable: true }]);
    expect(goBinaryCataloger.patterns).toEqual([]);
    expect(goBinaryCataloger.sniff!.test(bytes.subarray(0, goBinaryCataloger.sniff!.headerBytes), '/app')).toBe(true);
    const { ctx } = recordingContext();
    expect((await goBinaryCataloger.parse(memoryFile('/app', bytes), ctx)).map(packageLine)).toEqual(expectedLines);
  });

  it('never throws on random bytes or damaged binaries', async () => {
    const bases = [
      buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo(goVersion, modInfo), address: 0x500000, writable: true }]),
      buildElf({ bits: 32, littleEndian: false }, [{ name: '.go.buildinfo', data: pointerBuildInfo(goVersion, modInfo, { address: 0x10000, pointerSize: 4, bigEndian: true }), address: 0x10000, writable: true }]),
      buildPe(64, 0x140000000, [{ name: '.data', data: inlineBuildInfo(goVersion, modInfo), address: 0x140001000, writable: true }]),
    ];
    const { ctx } = recordingContext();
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => void (await parseGoBinary(Buffer.from(bytes), ctx))));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bases), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 16 }), async (base, edits) => {
        const bytes = Buffer.from(base);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        await parseGoBinary(bytes, ctx);
      }),
      { numRuns: 1000 },
    );
  });
});
