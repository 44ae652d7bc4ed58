/**
 * The rpm cataloger end to end, checked against the real rpm: tiny packages are built with
 * rpmbuild and installed into a database with `rpm --justdb`, then what we read must be exactly
 * what `rpm -qa` prints. Debian's rpm writes SQLite only; its header blobs are also rewritten
 * into ndb and Berkeley DB files with the test builders, and read back the same.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTester } from '../../../test/harness/catalog.js';
import { buildBdbHash, buildNdb, buildPackageBlob } from '../../../test/fixtures/catalog/rpm/make-rpmdb.js';
import type { Distro } from '../../model/distro.js';
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { bufferBytes } from '../random-access-bytes.js';
import { rpmCataloger } from './index.js';
import { detectRpmDbFormat, parseRpmDatabase, parseRpmDatabaseBytes } from './parse-database.js';

const sharedRpm = fileURLToPath(new URL('../../../../shared/data/os-package-dbs/rpm/testdata/', import.meta.url));

function fakeContext(distro?: Distro) {
  const skipped: string[] = [];
  const warnings: { code: string; message: string }[] = [];
  const ctx: CatalogContext = {
    ...(distro ? { distro } : {}),
    skip: (reason) => void skipped.push(reason),
    warn: (code, message) => void warnings.push({ code, message }),
  };
  return { ctx, skipped, warnings };
}

function bufferFile(path: string, bytes: Buffer): CatalogFile {
  return {
    path,
    size: bytes.length,
    read: async () => bytes,
    readRange: bufferBytes(bytes).readRange,
    text: async () => bytes.toString('utf8'),
    localPath: async () => {
      throw new Error('the rpm cataloger should not need a local path');
    },
    open: async () => undefined,
    find: async () => [],
  };
}

function commandWorks(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const haveRpm = commandWorks('rpm') && commandWorks('rpmbuild');

/** `rpm -qa` fields, and the same line made from one of our packages. */
const queryFormat = '%{NAME}|%{EPOCH}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{EVR}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}|%{MODULARITYLABEL}|%{SIZE}';

function queryLine(p: ParsedPackage): string {
  const m = p.metadata ?? {};
  const none = (value: unknown) => (value === undefined ? '(none)' : String(value));
  return [
    p.name,
    none(m.epoch),
    m.epoch ?? 0,
    m.version,
    m.release,
    p.version,
    none(p.arch),
    none(m.sourceRpm),
    none(p.licenses?.[0]),
    none(m.vendor),
    none(m.modularityLabel),
    none(m.size),
  ].join('|');
}

const specs: { file: string; text: string; defines?: string[] }[] = [
  {
    file: 'alpha.spec',
    text: `Name: vigil-alpha
Version: 1.2.3
Release: 4.el9
Epoch: 2
Summary: epoch, vendor and a compound licence
License: MIT AND (Apache-2.0 OR BSD-3-Clause)
Vendor: Vigil Test Vendor
BuildArch: noarch
%description
alpha
%files
`,
  },
  {
    file: 'beta.spec',
    text: `Name: vigil-beta
Version: 0.9~rc1
Release: 1
Summary: no epoch, a subpackage, a modularity label
License: GPL-2.0-or-later
BuildArch: noarch
%description
beta
%package libs
Summary: libs
%description libs
libs
%files
%files libs
`,
    defines: ['modularitylabel vigil:0.9:8030020200114102010:466ea64f'],
  },
  {
    file: 'gamma.spec',
    text: `Name: vigil-gamma-with-dashes
Version: 2024.1
Release: 0.3.fc40
Epoch: 0
Summary: epoch 0, which rpm keeps apart from no epoch
License: Apache-2.0
BuildArch: noarch
%description
gamma
%files
`,
  },
];

describe.skipIf(!haveRpm)('the rpm cataloger against the real rpm (needs rpm and rpmbuild)', () => {
  let work: string;
  let sqliteDb: Buffer;
  let rpmQa: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-rpm-'));
    const topdir = join(work, 'rpmbuild');
    for (const spec of specs) {
      writeFileSync(join(work, spec.file), spec.text);
      const defines = [`_topdir ${topdir}`, '_build_id_links none', ...(spec.defines ?? [])].flatMap((d) => ['--define', d]);
      execFileSync('rpmbuild', ['-bb', ...defines, join(work, spec.file)], { stdio: 'ignore' });
    }
    const rpms = readdirSync(join(topdir, 'RPMS', 'noarch')).map((name) => join(topdir, 'RPMS', 'noarch', name));
    expect(rpms).toHaveLength(4);
    const dbPath = join(work, 'db');
    mkdirSync(dbPath);
    const backend = ['--define', '_db_backend sqlite', '--dbpath', dbPath];
    execFileSync('rpm', [...backend, '--initdb'], { stdio: 'ignore' });
    execFileSync('rpm', ['-i', '--justdb', '--nodeps', '--noscripts', '--ignorearch', '--ignoreos', ...backend, ...rpms], { stdio: 'ignore' });
    rpmQa = execFileSync('rpm', ['-qa', ...backend, '--qf', `${queryFormat}\\n`], { encoding: 'utf8' }).trim().split('\n').sort();
    sqliteDb = readFileSync(join(dbPath, 'rpmdb.sqlite'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The header blobs rpm stored, straight from its SQLite table. */
  function rpmBlobs(): Buffer[] {
    const db = new Database(join(work, 'db', 'rpmdb.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as { blob: Buffer }[]).map((row) => row.blob);
    } finally {
      db.close();
    }
  }

  it('rpm lists what was installed', () => {
    expect(rpmQa).toEqual([
      'vigil-alpha|2|2|1.2.3|4.el9|2:1.2.3-4.el9|noarch|vigil-alpha-1.2.3-4.el9.src.rpm|MIT AND (Apache-2.0 OR BSD-3-Clause)|Vigil Test Vendor|(none)|0',
      'vigil-beta-libs|(none)|0|0.9~rc1|1|0.9~rc1-1|noarch|vigil-beta-0.9~rc1-1.src.rpm|GPL-2.0-or-later|(none)|vigil:0.9:8030020200114102010:466ea64f|0',
      'vigil-beta|(none)|0|0.9~rc1|1|0.9~rc1-1|noarch|vigil-beta-0.9~rc1-1.src.rpm|GPL-2.0-or-later|(none)|vigil:0.9:8030020200114102010:466ea64f|0',
      'vigil-gamma-with-dashes|0|0|2024.1|0.3.fc40|0:2024.1-0.3.fc40|noarch|vigil-gamma-with-dashes-2024.1-0.3.fc40.src.rpm|Apache-2.0|(none)|(none)|0',
    ]);
  });

  it('reads the SQLite database rpm wrote exactly as rpm -qa does', () => {
    expect(detectRpmDbFormat(sqliteDb)).toBe('sqlite');
    const { ctx, skipped, warnings } = fakeContext();
    const packages = parseRpmDatabaseBytes(sqliteDb, ctx);
    expect({ skipped, warnings }).toEqual({ skipped: [], warnings: [] });
    expect(packages.map(queryLine).sort()).toEqual(rpmQa);
  });

  it('reads the same blobs from an ndb Packages.db', () => {
    const { ctx, skipped, warnings } = fakeContext();
    const packages = parseRpmDatabaseBytes(buildNdb(rpmBlobs()), ctx);
    expect({ skipped, warnings }).toEqual({ skipped: [], warnings: [] });
    expect(packages.map(queryLine).sort()).toEqual(rpmQa);
  });

  it.each([
    ['little-endian, overflow pages', { littleEndian: true, pageSize: 512 }],
    ['big-endian, inline values', { littleEndian: false, pageSize: 16384, buckets: 2 }],
  ])('reads the same blobs from a Berkeley DB Packages (%s)', (_label, options) => {
    const { ctx, skipped, warnings } = fakeContext();
    const packages = parseRpmDatabaseBytes(buildBdbHash(rpmBlobs(), options), ctx);
    expect({ skipped, warnings }).toEqual({ skipped: [], warnings: [] });
    expect(packages.map(queryLine).sort()).toEqual(rpmQa);
  });

  it('keeps a damaged blob to one skip and the rest of the database', () => {
    const blobs = rpmBlobs();
    blobs[1] = blobs[1]!.subarray(0, 100);
    const { ctx, skipped } = fakeContext();
    const packages = parseRpmDatabaseBytes(buildNdb(blobs), ctx);
    expect(packages).toHaveLength(3);
    expect(skipped).toEqual([expect.stringMatching(/but the blob has 100 bytes/)]);
  });

  it('never throws on the real blobs with bytes changed or cut', () => {
    const blobs = rpmBlobs();
    fc.assert(
      fc.property(
        fc.nat({ max: blobs.length - 1 }),
        fc.array(fc.tuple(fc.nat({ max: 100_000 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat({ max: 100_000 }),
        (which, changes, cut) => {
          const blob = Buffer.from(blobs[which]!);
          for (const [at, value] of changes) blob[at % blob.length] = value;
          const { ctx } = fakeContext();
          parseRpmDatabaseBytes(buildNdb([blob.subarray(0, cut % (blob.length + 1))]), ctx);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('catalogs a Rocky Linux 9 root filesystem with purls', async () => {
    const root = join(work, 'rocky-9');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'os-release'), 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n');
    mkdirSync(join(root, 'var', 'lib', 'rpm'), { recursive: true });
    copyFileSync(join(work, 'db', 'rpmdb.sqlite'), join(root, 'var', 'lib', 'rpm', 'rpmdb.sqlite'));
    const result = await catalogTester()
      .fromDirectory(root)
      .withCatalogers(rpmCataloger)
      .expectsPackages([
        'vigil-alpha@2:1.2.3-4.el9 pkg:rpm/rocky/vigil-alpha@1.2.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2&upstream=vigil-alpha-1.2.3-4.el9.src.rpm',
        'vigil-beta@0.9~rc1-1 pkg:rpm/rocky/vigil-beta@0.9~rc1-1?arch=noarch&distro=rocky-9.3&upstream=vigil-beta-0.9~rc1-1.src.rpm',
        'vigil-beta-libs@0.9~rc1-1 pkg:rpm/rocky/vigil-beta-libs@0.9~rc1-1?arch=noarch&distro=rocky-9.3&upstream=vigil-beta-0.9~rc1-1.src.rpm',
        'vigil-gamma-with-dashes@0:2024.1-0.3.fc40 pkg:rpm/rocky/vigil-gamma-with-dashes@2024.1-0.3.fc40?arch=noarch&distro=rocky-9.3&epoch=0&upstream=vigil-gamma-with-dashes-2024.1-0.3.fc40.src.rpm',
      ]);
    expect(result.warnings).toEqual([]);
    const libs = result.packages.find((p) => p.name === 'vigil-beta-libs')!;
    expect(libs.source).toEqual({ name: 'vigil-beta', version: '0.9~rc1-1' });
    expect(libs.locations).toEqual([{ path: '/var/lib/rpm/rpmdb.sqlite' }]);
    expect(result.packages.find((p) => p.name === 'vigil-alpha')!.source).toEqual({ name: 'vigil-alpha', version: '2:1.2.3-4.el9' });
    // Reading the database must leave no -wal or -shm files behind in the target.
    expect(readdirSync(join(root, 'var', 'lib', 'rpm'))).toEqual(['rpmdb.sqlite']);
  });
});

describe('the rpm cataloger', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-rpm-fs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function rootfs(name: string, osRelease: string, files: Record<string, Buffer>): string {
    const root = join(tmp, name);
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'os-release'), osRelease);
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), bytes);
    }
    return root;
  }

  it('declares the database files in every place distros keep them', () => {
    expect(rpmCataloger.patterns).toEqual([
      '/var/lib/rpm/rpmdb.sqlite',
      '/var/lib/rpm/Packages',
      '/var/lib/rpm/Packages.db',
      '/usr/lib/sysimage/rpm/rpmdb.sqlite',
      '/usr/lib/sysimage/rpm/Packages',
      '/usr/lib/sysimage/rpm/Packages.db',
      '/usr/share/rpm/rpmdb.sqlite',
      '/usr/share/rpm/Packages',
      '/usr/share/rpm/Packages.db',
    ]);
  });

  it('reads an openSUSE ndb database under /usr/lib/sysimage and drops gpg-pubkey', async () => {
    const db = buildNdb([
      buildPackageBlob({ name: 'gpg-pubkey', version: '29b700a4', release: '62b07e22', license: 'pubkey' }),
      buildPackageBlob({
        name: 'libzypp',
        version: '17.31.15',
        release: '150400.3.40.1',
        arch: 'x86_64',
        license: 'GPL-2.0-or-later',
        vendor: 'SUSE LLC <https://www.suse.com/>',
        sourceRpm: 'libzypp-17.31.15-150400.3.40.1.src.rpm',
      }),
    ]);
    const root = rootfs('leap', 'NAME="openSUSE Leap"\nID="opensuse-leap"\nVERSION_ID="15.5"\n', { 'usr/lib/sysimage/rpm/Packages.db': db });
    const result = await catalogTester()
      .fromDirectory(root)
      .withCatalogers(rpmCataloger)
      .expectsPackages([
        'libzypp@17.31.15-150400.3.40.1 pkg:rpm/opensuse/libzypp@17.31.15-150400.3.40.1?arch=x86_64&distro=opensuse-leap-15.5&upstream=libzypp-17.31.15-150400.3.40.1.src.rpm',
      ]);
    expect(result.warnings).toEqual([]);
  });

  it('reports a file of unknown format once, and a damaged blob as a counted skip', async () => {
    const root = rootfs('broken', 'ID="rhel"\nVERSION_ID="8.9"\n', {
      'var/lib/rpm/Packages': Buffer.from('asdf\n'),
      'usr/lib/sysimage/rpm/Packages.db': buildNdb([
        buildPackageBlob({ name: 'ok', version: '1', release: '1.el8', arch: 'x86_64' }),
        buildPackageBlob({ name: 'ok', version: '1', release: '1.el8', arch: 'x86_64' }).subarray(0, 20),
      ]),
    });
    const result = await catalogTester()
      .fromDirectory(root)
      .withCatalogers(rpmCataloger)
      .expectsPackages(['ok@1-1.el8 pkg:rpm/redhat/ok@1-1.el8?arch=x86_64&distro=rhel-8.9']);
    // Files are read in path order.
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: '/usr/lib/sysimage/rpm/Packages.db' }),
      expect.objectContaining({ code: 'UNKNOWN_FORMAT', path: '/var/lib/rpm/Packages' }),
    ]);
  });

  it('warns once about a database it recognises but cannot read', async () => {
    const { ctx, warnings, skipped } = fakeContext();
    const notRpm = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(84)]);
    expect(await parseRpmDatabase(bufferFile('/var/lib/rpm/rpmdb.sqlite', notRpm), ctx)).toEqual([]);
    expect(warnings).toEqual([{ code: 'UNREADABLE_DATABASE', message: expect.stringMatching(/cannot read the rpm sqlite database/) }]);
    expect(skipped).toEqual([]);
  });

  it('never throws on random bytes behind any of the three magics', () => {
    const magics = [Buffer.from('SQLite format 3\0'), Buffer.from('RpmP'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x15, 0x06, 0])];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 5000 }), (magic, rest) => {
        const { ctx } = fakeContext();
        parseRpmDatabaseBytes(Buffer.concat([magic, rest]), ctx);
      }),
      { numRuns: 600 },
    );
  });

  describe.skipIf(!existsSync(`${sharedRpm}Packages_epoch`))('on the shared rpm test databases', () => {
    it('catalogs the real Berkeley DB Packages of a CentOS 7 root filesystem', async () => {
      const root = rootfs('centos-7', 'NAME="CentOS Linux"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n', {
        'var/lib/rpm/Packages': readFileSync(`${sharedRpm}Packages_epoch`),
      });
      const result = await catalogTester()
        .fromDirectory(root)
        .withCatalogers(rpmCataloger)
        .expectsPackages(['hello@1:0.0.1-rls pkg:rpm/centos/hello@0.0.1-rls?arch=x86_64&distro=centos-7&epoch=1&upstream=hello-0.0.1-rls.src.rpm']);
      expect(result.warnings).toEqual([]);
      expect(result.packages[0]!.licenses).toEqual(['GPL']);
    });

    it('warns about the invalid one', async () => {
      const { ctx, warnings } = fakeContext();
      expect(await parseRpmDatabase(bufferFile('/var/lib/rpm/Packages', readFileSync(`${sharedRpm}invalid`)), ctx)).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNKNOWN_FORMAT']);
    });
  });
});
