import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { writeZip } from '../../../test/harness/zip-writer.js';
import { wheelFixtures } from '../../../test/fixtures/catalog/python-wheel/make-wheels.js';
import { pythonInstalledCataloger } from '../python-installed/index.js';
import { pythonWheelCataloger } from './index.js';
import { parseWheel, wheelProjectName } from './parse-wheel.js';

async function parse(fileName: string, bytes: Buffer) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseWheel(memoryFile(`/srv/wheels/${fileName}`, bytes), ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('python-wheel', () => {
  it.each(wheelFixtures().map((fixture) => [fixture.fileName, fixture] as const))('reads %s as pip installs it', async (_name, fixture) => {
    const { lines, warnings } = await parse(fixture.fileName, fixture.bytes);
    expect(lines).toEqual(fixture.installs ? [fixture.installs] : []);
    expect(warnings.map((w) => w.code)).toEqual(fixture.installs ? [] : ['UNREADABLE_ARCHIVE']);
  });

  it('says why it refuses a wheel', async () => {
    const byName = new Map(wheelFixtures().map((f) => [f.fileName, f.bytes]));
    const message = async (fileName: string) => (await parse(fileName, byName.get(fileName)!)).warnings[0]?.message;
    expect(await message('broken-1.0-py3-none-any.whl')).toMatch(/^\/srv\/wheels\/broken-1.0-py3-none-any.whl is not a readable wheel: End of central directory/);
    expect(await message('hollow-1.0-py3-none-any.whl')).toBe('/srv/wheels/hollow-1.0-py3-none-any.whl has no .dist-info folder at its root');
    expect(await message('twins-1.0-py3-none-any.whl')).toContain('more than one .dist-info folder at its root (other-2.0.dist-info, twins-1.0.dist-info)');
    expect(await message('renamed-1.0-py3-none-any.whl')).toContain('its folder original-1.0.dist-info is not named for the project renamed');
    expect(await message('nometa-1.0-py3-none-any.whl')).toBe('/srv/wheels/nometa-1.0-py3-none-any.whl has no nometa-1.0.dist-info/METADATA');
    expect(await message('not-a-wheel-name.whl')).toContain('is not named as a wheel is');
  });

  it('keeps the package facts the METADATA gives, the name PEP 503-normalised', async () => {
    const [flask] = (await parse('Flask_Cors-4.0.0-py2.py3-none-any.whl', wheelFixtures()[1]!.bytes)).packages;
    expect(flask).toMatchObject({
      name: 'flask-cors',
      version: '4.0.0',
      purl: 'pkg:pypi/flask-cors@4.0.0',
      ecosystem: 'PyPI',
      metadata: { originalName: 'Flask-Cors', format: 'wheel' },
    });
    const [urllib3] = (await parse('urllib3-2.0.7-py3-none-any.whl', wheelFixtures()[0]!.bytes)).packages;
    expect(urllib3?.licenses).toEqual(['MIT']);
  });

  it('takes the project name from the file name as the wheel format writes it', () => {
    expect(wheelProjectName('pip-24.2-py3-none-any.whl')).toBe('pip');
    expect(wheelProjectName('Flask_Cors-4.0.0-py2.py3-none-any.whl')).toBe('Flask_Cors');
    expect(wheelProjectName('setuptools-68.0.0-1-py3-none-any.whl')).toBe('setuptools');
    expect(wheelProjectName('numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toBe('numpy');
    for (const name of ['pip-24.2.whl', 'pip-24.2-x-py3-none-any.whl', 'pip-24.2-py3-none-any.zip', 'a b-1-py3-none-any.whl', '-1-py3-none-any.whl', 'pip-24.2-1-py3-none-.whl']) {
      expect(wheelProjectName(name)).toBeUndefined();
    }
  });

  it('never reads past the limits a hostile wheel sets', async () => {
    // A METADATA that declares more than is read, and one named outside the archive root.
    const huge = writeZip([{ name: 'big-1.0.dist-info/METADATA', data: 'Name: big\nVersion: 1.0\n', declaredSize: 5 * 1024 * 1024 }]);
    const big = await parse('big-1.0-py3-none-any.whl', huge);
    expect(big.lines).toEqual([]);
    expect(big.skipped).toEqual([expect.stringContaining('more than the 4194304 read')]);
    const escape = writeZip([
      { name: '../evil-1.0.dist-info/METADATA', data: 'Name: evil\nVersion: 1.0\n' },
      { name: 'evil-1.0.dist-info/METADATA', data: 'Name: evil\nVersion: 1.0\n' },
      { name: 'evil-1.0.dist-info/METADATA', data: 'Name: evil\nVersion: 666\n' },
    ]);
    const evil = await parse('evil-1.0-py3-none-any.whl', escape);
    expect(evil.lines).toEqual(['evil@1.0']);
    expect(evil.warnings.map((w) => w.code)).toEqual(['UNSAFE_PATH', 'DUPLICATE_ENTRY']);
    const damaged = await parse('bad-1.0-py3-none-any.whl', writeZip([{ name: 'bad-1.0.dist-info/METADATA', data: 'Name: bad\nVersion: 1\n', declaredCrc: 7 }]));
    expect(damaged.warnings.map((w) => w.code)).toEqual(['ARCHIVE_ENTRY_UNREADABLE']);
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await parseWheel(memoryFile('/a/x-1-py3-none-any.whl', Buffer.from(bytes)), recordingContext().ctx);
      }),
      { numRuns: 300 },
    );
  });

  describe('in a tree', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'vigil-wheels-'));
      const write = (path: string, data: string | Buffer) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), data);
      };
      for (const fixture of wheelFixtures()) write(`usr/share/python-wheels/${fixture.fileName}`, fixture.bytes);
      // The same urllib3 installed: one package, two locations.
      write('usr/lib/python3/dist-packages/urllib3-2.0.7.dist-info/METADATA', 'Metadata-Version: 2.1\nName: urllib3\nVersion: 2.0.7\n');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('lists every wheel pip would install, once each, with the installed copy of one', async () => {
      const result = await catalogTester().fromDirectory(root).withCatalogers(pythonInstalledCataloger, pythonWheelCataloger).run();
      expect(result.packages.map(packageLine)).toEqual([
        'flask-cors@4.0.0 pkg:pypi/flask-cors@4.0.0',
        'setuptools@68.0.0 pkg:pypi/setuptools@68.0.0',
        'six@1.16.0 pkg:pypi/six@1.16.0',
        'urllib3@2.0.7 pkg:pypi/urllib3@2.0.7',
      ]);
      const urllib3 = result.packages.find((p) => p.name === 'urllib3')!;
      expect(urllib3.foundBy).toBe('python-installed');
      expect(urllib3.locations.map((l) => l.path)).toEqual([
        '/usr/lib/python3/dist-packages/urllib3-2.0.7.dist-info/METADATA',
        '/usr/share/python-wheels/urllib3-2.0.7-py3-none-any.whl',
      ]);
      expect(result.warnings.map((w) => w.path).sort()).toEqual(
        ['broken-1.0', 'hollow-1.0', 'nometa-1.0', 'renamed-1.0', 'twins-1.0'].map((n) => `/usr/share/python-wheels/${n}-py3-none-any.whl`).concat('/usr/share/python-wheels/not-a-wheel-name.whl').sort(),
      );
    });
  });
});
