import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElf, buildFatMachO, buildMachO, buildPe } from '../../../test/fixtures/catalog/binary/make-executable.js';
import { catalogTester, countingBytes, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { hasTool } from '../../../test/harness/tools.js';
import { rustAuditBinaryCataloger } from './index.js';
import { auditDataPackages, parseAuditBinary } from './parse-audit-data.js';

const auditJson = {
  packages: [
    { name: 'myapp', version: '0.1.0', source: 'local', dependencies: [1, 2, 3, 4], root: true },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'serde', version: '1.0.195', source: 'crates.io', kind: 'runtime', dependencies: [] },
    { name: 'tokio', version: '1.35.1', source: 'git' },
    { name: 'internal-auth', version: '2.1.0', source: 'registry' },
  ],
};
const deps = deflateSync(JSON.stringify(auditJson));

const expectedLines = [
  'myapp@0.1.0 pkg:cargo/myapp@0.1.0',
  'cc@1.0.83 pkg:cargo/cc@1.0.83',
  'serde@1.0.195 pkg:cargo/serde@1.0.195',
  'tokio@1.35.1 pkg:cargo/tokio@1.35.1',
  'internal-auth@2.1.0 pkg:cargo/internal-auth@2.1.0',
];

async function read(bytes: Buffer) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseAuditBinary(bytes, ctx);
  return { packages, lines: packages.map(packageLine), skipped, warnings };
}

const elfWith = (data: Buffer, name = '.dep-v0') => buildElf({ bits: 64, littleEndian: true }, [{ name, data, address: 0x402000 }]);

describe('rust-audit-binary cataloger', () => {
  it.each([
    ['ELF64', () => elfWith(deps)],
    ['ELF32 big-endian', () => buildElf({ bits: 32, littleEndian: false }, [{ name: '.dep-v0', data: deps, address: 0x10000 }])],
    ['PE32+', () => buildPe(64, 0x140000000, [{ name: '.text', data: Buffer.alloc(16), address: 0x140001000 }, { name: '.dep-v0', data: deps, address: 0x140002000 }])],
    ['Mach-O, __DATA,.dep-v0', () => buildMachO({ bits: 64, littleEndian: true }, [{ name: '.dep-v0', segment: '__DATA', data: deps, address: 0x100004000 }])],
    ['universal Mach-O', () => buildFatMachO([buildMachO({ bits: 64, littleEndian: true }, [{ name: '.dep-v0', segment: '__DATA', data: deps, address: 0x100004000 }])])],
  ])('reads the crate list of %s', async (_label, make) => {
    const { packages, lines, skipped, warnings } = await read(make());
    expect(lines).toEqual(expectedLines);
    expect([...skipped, ...warnings]).toEqual([]);
    expect(packages[0]).toEqual({ name: 'myapp', version: '0.1.0', type: 'cargo', purl: 'pkg:cargo/myapp@0.1.0', metadata: { source: 'path', root: true } });
    expect(packages[1]).toEqual({
      name: 'cc',
      version: '1.0.83',
      type: 'cargo',
      purl: 'pkg:cargo/cc@1.0.83',
      ecosystem: 'crates.io',
      development: true,
      metadata: { source: 'crates.io', kind: 'build' },
    });
    expect(packages.filter((p) => p.ecosystem === 'crates.io').map((p) => p.name)).toEqual(['cc', 'serde', 'tokio']);
    expect(packages[4]!.metadata).toEqual({ source: 'registry' });
  });

  it('refuses a zlib bomb, and warns about data that is not zlib or not the expected JSON', async () => {
    expect(await read(elfWith(deflateSync(Buffer.alloc(9 * 1024 * 1024, 0x20))))).toMatchObject({
      lines: [],
      warnings: [{ code: 'UNREADABLE_AUDIT_DATA', message: 'the .dep-v0 dependency list inflates past 8388608 bytes' }],
    });
    expect(await read(elfWith(Buffer.from('not zlib')))).toMatchObject({ warnings: [{ message: 'the .dep-v0 section is not zlib data' }] });
    expect(await read(elfWith(deflateSync('{"packages": 3}')))).toMatchObject({ warnings: [{ message: 'the .dep-v0 dependency list has no "packages" array' }] });
    expect(await read(elfWith(deflateSync('{')))).toMatchObject({ warnings: [{ message: 'the .dep-v0 dependency list is not JSON' }] });
    expect(await read(elfWith(deps, '.data'))).toEqual({ packages: [], lines: [], skipped: [], warnings: [] });
  });

  it('reads no more of a section than its list can take, however large the section claims to be', async () => {
    // A real list followed by 12 MB of padding: the list is read, the padding is not.
    const padded = countingBytes(elfWith(Buffer.concat([deps, Buffer.alloc(12 * 1024 * 1024)])));
    const { ctx, warnings } = recordingContext();
    expect((await parseAuditBinary(padded, ctx)).map(packageLine)).toEqual(expectedLines);
    expect(warnings).toEqual([]);
    expect(padded.largestRead).toBeLessThan(10 * 1024 * 1024);
  });

  it('skips malformed entries', () => {
    const { ctx, skipped } = recordingContext();
    const json = JSON.stringify({
      packages: [7, { version: '1.0.0', source: 'crates.io' }, { name: 'a', source: 'crates.io' }, { name: 'b', version: '1.0.0' }, { name: 'c', version: '1.0.0', source: 'crates.io', kind: 'proc' }, { name: 'ok', version: '1.0.0', source: 'crates.io' }],
    });
    expect(auditDataPackages(json, ctx).map(packageLine)).toEqual(['ok@1.0.0 pkg:cargo/ok@1.0.0']);
    expect(skipped).toEqual([
      'packages[0] is not an object',
      'packages[1] has no name',
      'packages[2] (a) has no version',
      'packages[3] (b) has no source',
      'packages[4] (c) has an unknown kind',
    ]);
  });

  it('never throws on random bytes, random JSON or damaged binaries', async () => {
    const { ctx } = recordingContext();
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => void (await parseAuditBinary(Buffer.from(bytes), ctx))));
    fc.assert(fc.property(fc.json(), (json) => void auditDataPackages(json, ctx)));
    fc.assert(
      fc.property(fc.array(fc.object()), (entries) => void auditDataPackages(JSON.stringify({ packages: entries }), ctx)),
      { numRuns: 300 },
    );
    const base = elfWith(deps);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 12 }), async (edits) => {
        const bytes = Buffer.from(base);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        await parseAuditBinary(bytes, ctx);
      }),
      { numRuns: 500 },
    );
  });
});

describe.skipIf(!hasTool('cc') || !hasTool('objcopy'))('rust-audit-binary on a real ELF executable given a .dep-v0 section by objcopy', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('finds the executable by content in a tree and reads exactly its crates', async () => {
    writeFileSync(join(work, 'main.c'), 'int main(void) { return 0; }\n');
    execFileSync('cc', ['-o', join(work, 'plain'), join(work, 'main.c')]);
    writeFileSync(join(work, 'deps.zlib'), deps);
    const root = join(work, 'rootfs');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    const binary = join(root, 'usr/bin/myapp');
    execFileSync('objcopy', ['--add-section', `.dep-v0=${join(work, 'deps.zlib')}`, '--set-section-flags', '.dep-v0=noload,readonly', join(work, 'plain'), binary]);
    chmodSync(binary, 0o755);
    // The same executable without the section has no crates to report.
    execFileSync('cp', [join(work, 'plain'), join(root, 'usr/bin/plain')]);
    expect(execFileSync('objdump', ['-h', binary], { encoding: 'utf8' })).toContain('.dep-v0');
    const result = await catalogTester().fromDirectory(root).withCatalogers(rustAuditBinaryCataloger).expectsPackages(expectedLines);
    expect(result.warnings).toEqual([]);
    expect(result.packages.every((p) => p.locations[0]!.path === '/usr/bin/myapp' && p.foundBy === 'rust-audit-binary')).toBe(true);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['cc']);
    expect((await read(readFileSync(join(root, 'usr/bin/plain')))).lines).toEqual([]);
  });
});
