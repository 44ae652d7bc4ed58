import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerArchiveFiles,
  hasCommand,
  ociLayoutFiles,
  opaque,
  whiteout,
  writeFolder,
  writeTar,
  type ImageSpec,
} from '../../../test/harness/image-builder.js';
import { VigilError } from '../../errors.js';
import { defaultSourceLimits, FileTooLargeError, type SourceLimits } from '../file-tree.js';
import { openImageArchive, sniffImageArchive, type ImageArchiveSpec, type OpenImageOptions } from './index.js';

let base: string;
let counter = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-image-test-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function scratch(name: string): string {
  return join(base, `${++counter}-${name}`);
}

async function open(spec: ImageArchiveSpec, options: Partial<OpenImageOptions> = {}) {
  const tempDir = mkdtempSync(join(base, 'temp-'));
  const opened = await openImageArchive(spec, {
    interest: () => true,
    limits: defaultSourceLimits,
    tempDir,
    ...options,
  });
  return { ...opened, tempDir };
}

async function text(tree: Awaited<ReturnType<typeof open>>['tree'], path: string): Promise<string | undefined> {
  const file = await tree.lookup(path);
  return file ? (await tree.readFile(file)).toString() : undefined;
}

async function corruptCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VigilError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

/** The image most tests use: three layers exercising whiteouts, opaque dirs, links and replacement. */
const layered: ImageSpec = {
  layers: [
    {
      'etc/': { dir: true },
      'etc/os-release': 'ID=debian\n',
      'etc/passwd': 'root:x:0:0\n',
      'var/lib/dpkg/status': 'Package: base\n',
      'opt/app/one': '1',
      'opt/app/two': '2',
      'cache/a': 'a',
      'usr/lib/libc.so': 'libc',
      'lib': { symlink: 'usr/lib' },
      'bin/tool': 'tool-bytes',
      'bin/tool-link': { hardlink: 'bin/tool' },
    },
    [
      ['var/lib/dpkg/status', 'Package: base\n\nPackage: extra\n'],
      ['etc/passwd', whiteout],
      ['cache', whiteout],
      ['opt/app/three', '3'],
      ['opt/app', opaque],
      ['etc/escape', { symlink: '../../../../etc/os-release' }],
      ['etc/absolute', { symlink: '/usr/lib/libc.so' }],
      ['etc/loop-a', { symlink: 'loop-b' }],
      ['etc/loop-b', { symlink: 'loop-a' }],
      ['../../outside', 'evil'],
      ['/abs/entry', 'absolute name'],
      ['./dot/./entry', 'dotted'],
    ],
    { 'var/lib/dpkg/status': 'Package: base\n\nPackage: extra\n\nPackage: third\n', 'bin/tool': 'new tool' },
  ],
};

type Kind = ImageArchiveSpec['kind'];
const packers: Array<[string, Kind, (image: ImageSpec) => Promise<string>]> = [
  ['oci-dir', 'oci-dir', async (image) => writeFolder(scratch('layout'), (await ociLayoutFiles(image, { tag: 'v1' })).files)],
  ['oci-archive', 'oci-archive', async (image) => writeTar(scratch('oci.tar'), (await ociLayoutFiles(image, { tag: 'v1' })).files)],
  ['oci-archive gzip layers', 'oci-archive', async (image) => writeTar(scratch('oci.tar'), (await ociLayoutFiles({ ...image, compression: 'gzip' })).files)],
  ['oci-archive.tar.gz', 'oci-archive', async (image) => writeTar(scratch('oci.tar.gz'), (await ociLayoutFiles(image)).files, { gzip: true })],
  ['docker-archive legacy', 'docker-archive', async (image) => writeTar(scratch('docker.tar'), (await dockerArchiveFiles(image, { tags: ['x:1'] })).files)],
  ['docker-archive blobs', 'docker-archive', async (image) => writeTar(scratch('docker.tar'), (await dockerArchiveFiles(image, { layout: 'blobs' })).files)],
];
if (hasCommand('zstd')) {
  packers.push(['oci-archive zstd layers', 'oci-archive', async (image) => writeTar(scratch('oci.tar'), (await ociLayoutFiles({ ...image, compression: 'zstd' })).files)]);
}

describe.each(packers)('a layered image as %s', (_label, kind, pack) => {
  let opened: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    opened = await open({ kind, path: await pack(layered) });
  });

  it('describes the target', () => {
    expect(opened.target.kind).toBe(kind);
    expect(opened.target.imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(opened.target.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(opened.target.layers.map((layer) => layer.index)).toEqual([0, 1, 2]);
    for (const layer of opened.target.layers) {
      expect(layer.digest).toMatch(/^sha256:/);
      expect(layer.diffId).toMatch(/^sha256:/);
    }
  });

  it('applies whiteouts and opaque directories', async () => {
    const { tree } = opened;
    expect(await tree.lookup('/etc/passwd')).toBeUndefined();
    expect(await tree.readDir('/cache')).toBeUndefined();
    expect((await tree.readDir('/opt/app'))?.map((e) => e.name)).toEqual(['three']);
    expect(await text(tree, '/etc/os-release')).toBe('ID=debian\n');
  });

  it('keeps every version of a replaced file, oldest first, each with its layer', async () => {
    const { tree, target } = opened;
    const status = (await tree.lookup('/var/lib/dpkg/status'))!;
    expect(status.layer).toEqual(target.layers[2]);
    const versions = await tree.versions(status);
    expect(versions.map((v) => v.layer?.index)).toEqual([0, 1, 2]);
    const texts = await Promise.all(versions.map(async (v) => (await tree.readFile(v)).toString().split('\n\n').length));
    expect(texts).toEqual([1, 2, 3]);
    expect(versions[2]).toEqual(status);
  });

  it('confines symbolic links to the image root', async () => {
    const { tree } = opened;
    expect((await tree.lookup('/etc/escape'))?.realPath).toBe('/etc/os-release');
    expect((await tree.lookup('/etc/absolute'))?.realPath).toBe('/usr/lib/libc.so');
    expect((await tree.lookup('/lib/libc.so'))?.realPath).toBe('/usr/lib/libc.so');
    expect(await tree.lookup('/etc/loop-a')).toBeUndefined();
    expect(await tree.lookup('/../../../etc/os-release')).toMatchObject({ realPath: '/etc/os-release' });
    expect((await tree.readDir('/lib'))?.map((e) => e.name)).toEqual(['libc.so']);
  });

  it('ignores entries that climb out of the root and normalises absolute and dotted names', async () => {
    const { tree, warnings, tempDir } = opened;
    expect(warnings.find((w) => w.code === 'UNSAFE_PATH')).toMatchObject({ count: 1, path: '../../outside' });
    expect(await tree.lookup('/outside')).toBeUndefined();
    expect(await text(tree, '/abs/entry')).toBe('absolute name');
    expect(await text(tree, '/dot/entry')).toBe('dotted');
    // Nothing is written anywhere but under generated names in the temporary folder.
    expect(readdirSync(tempDir).every((name) => /^(content-\d+|outer-archive\.tar)$/.test(name))).toBe(true);
  });

  it('follows hard links to the content they were made with', async () => {
    const { tree } = opened;
    const link = (await tree.lookup('/bin/tool-link'))!;
    // /bin/tool was replaced later; the link still holds the old bytes.
    expect(link.realPath).toBe('/bin/tool-link');
    expect((await tree.readFile(link)).toString()).toBe('tool-bytes');
    expect(await text(tree, '/bin/tool')).toBe('new tool');
    expect(await tree.readDir('/bin')).toEqual([
      { name: 'tool', kind: 'file' },
      { name: 'tool-link', kind: 'file' },
    ]);
  });
});

describe('hard links within one layer', () => {
  it('resolve to the path they link to', async () => {
    const path = writeFolder(
      scratch('layout'),
      (await ociLayoutFiles({ layers: [{ 'a/file': 'data', 'b/link': { hardlink: './a/file' }, 'b/dangling': { hardlink: 'no/such/file' } }] })).files,
    );
    const { tree, warnings } = await open({ kind: 'oci-dir', path });
    expect(warnings).toMatchObject([{ code: 'DANGLING_HARD_LINK', path: '/b/dangling', count: 1 }]);
    expect(await tree.lookup('/b/dangling')).toBeUndefined();
    const link = (await tree.lookup('/b/link'))!;
    expect(link).toMatchObject({ path: '/b/link', realPath: '/a/file', size: 4 });
    expect((await tree.readFile(link)).toString()).toBe('data');
  });
});

describe('tags and names', () => {
  it('records RepoTags and ref.name annotations', async () => {
    const docker = await open({ kind: 'docker-archive', path: await writeTar(scratch('d.tar'), (await dockerArchiveFiles({ layers: [{ a: 'a' }] }, { tags: ['repo/x:1', 'repo/x:latest'] })).files) });
    expect(docker.target.tags).toEqual(['repo/x:1', 'repo/x:latest']);
    expect(docker.target.name).toBe('repo/x:1');
    expect(docker.target.manifestDigest).toBe('');
    const built = await ociLayoutFiles({ layers: [{ a: 'a' }] }, { tag: 'v2', nestedIndex: true });
    const oci = await open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) });
    expect(oci.target.tags).toEqual(['v2']);
    expect(oci.target.manifestDigest).toBe(built.images[0]!.manifestDigest);
    expect(oci.target.imageId).toBe(built.images[0]!.configDigest);
  });

  it('finds the manifest digest a docker 25+ archive records in index.json', async () => {
    const built = await dockerArchiveFiles({ layers: [{ a: 'a' }] }, { layout: 'blobs' });
    const layout = await ociLayoutFiles({ layers: [{ a: 'a' }] });
    for (const [name, data] of layout.files) built.files.set(name, data);
    const opened = await open({ kind: 'docker-archive', path: await writeTar(scratch('d.tar'), built.files) });
    expect(opened.target.manifestDigest).toBe(layout.images[0]!.manifestDigest);
  });
});

describe('platform selection', () => {
  const images: ImageSpec[] = [
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [{ 'etc/arch': 'arm64' }] },
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ 'etc/arch': 'amd64' }] },
    { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, layers: [{ 'etc/arch': 'armv7' }] },
  ];

  it.each([
    [undefined, 'amd64'],
    ['linux/arm64', 'arm64'],
    ['linux/arm/v7', 'armv7'],
  ])('platform %s in a nested index gives %s', async (platform, expected) => {
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(images, { nestedIndex: true })).files);
    const { tree, target } = await open({ kind: 'oci-dir', path }, platform ? { platform } : {});
    expect(await text(tree, '/etc/arch')).toBe(expected);
    expect(target.platform.architecture).toBe(expected.replace('v7', ''));
  });

  it('reads the platform from the config when descriptors do not say', async () => {
    const path = await writeTar(scratch('oci.tar'), (await ociLayoutFiles(images.slice(0, 1), { omitDescriptorPlatform: true })).files);
    const { tree, target } = await open({ kind: 'oci-archive', path });
    expect(target.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(await text(tree, '/etc/arch')).toBe('arm64');
  });

  it('chooses among the images of a docker-archive', async () => {
    const path = await writeTar(scratch('d.tar'), (await dockerArchiveFiles(images)).files);
    const { tree } = await open({ kind: 'docker-archive', path }, { platform: 'linux/arm/v7' });
    expect(await text(tree, '/etc/arch')).toBe('armv7');
  });

  it('fails with PLATFORM_NOT_FOUND listing what is there', async () => {
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(images)).files);
    expect(await corruptCode(open({ kind: 'oci-dir', path }, { platform: 'linux/s390x' }))).toBe(
      `PLATFORM_NOT_FOUND: ${path} has no image for linux/s390x; platforms present: linux/arm64/v8, linux/amd64, linux/arm/v7`,
    );
    const noDefault = writeFolder(scratch('layout'), (await ociLayoutFiles([images[0]!, images[2]!])).files);
    expect(await corruptCode(open({ kind: 'oci-dir', path: noDefault }))).toMatch(/^PLATFORM_NOT_FOUND: .*linux\/arm64\/v8, linux\/arm\/v7$/);
  });
});

describe('damaged archives', () => {
  const image: ImageSpec = { layers: [{ 'etc/os-release': 'ID=x\n', big: Buffer.alloc(20_000, 7) }] };

  it('rejects a truncated archive', async () => {
    const path = await writeTar(scratch('oci.tar'), (await ociLayoutFiles(image)).files);
    truncateSync(path, statSync(path).size - 12_000);
    expect(await corruptCode(open({ kind: 'oci-archive', path }))).toMatch(/^TARGET_CORRUPT: .*truncated/);
  });

  it('rejects a missing layer blob', async () => {
    const built = await ociLayoutFiles(image);
    built.files.delete(`blobs/${built.images[0]!.layers[0]!.digest.replace(':', '/')}`);
    const path = writeFolder(scratch('layout'), built.files);
    expect(await corruptCode(open({ kind: 'oci-dir', path }))).toMatch(/^TARGET_CORRUPT: .*layer 0 blob sha256:[a-f0-9]+ is missing$/);
  });

  it('rejects a layer whose bytes do not match its digest', async () => {
    const built = await ociLayoutFiles(image);
    const name = `blobs/${built.images[0]!.layers[0]!.digest.replace(':', '/')}`;
    const bytes = Buffer.from(built.files.get(name)!);
    bytes[600] = bytes[600]! ^ 0xff; // inside the first file's data, so the tar still parses
    built.files.set(name, bytes);
    const path = await writeTar(scratch('oci.tar'), built.files);
    expect(await corruptCode(open({ kind: 'oci-archive', path }))).toMatch(/^TARGET_CORRUPT: .*does not match its digest/);
  });

  it('rejects a docker-archive layer that does not match its diff_id', async () => {
    const built = await dockerArchiveFiles(image);
    const name = [...built.files.keys()].find((n) => n.endsWith('layer.tar'))!;
    const bytes = Buffer.from(built.files.get(name)!);
    bytes[600] = bytes[600]! ^ 0xff;
    built.files.set(name, bytes);
    const path = await writeTar(scratch('d.tar'), built.files);
    expect(await corruptCode(open({ kind: 'docker-archive', path }))).toMatch(/^TARGET_CORRUPT: .*does not match its diff_id/);
  });

  it('rejects bad JSON and a missing index', async () => {
    const built = await ociLayoutFiles(image);
    built.files.set('index.json', Buffer.from('{"manifests": ['));
    expect(await corruptCode(open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) }))).toMatch(/^TARGET_CORRUPT: .*index\.json is not valid JSON/);
    built.files.delete('index.json');
    expect(await corruptCode(open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) }))).toMatch(/^TARGET_CORRUPT: .* has no index\.json$/);
    const docker = await dockerArchiveFiles(image);
    docker.files.set('manifest.json', Buffer.from('[{"Config": 3}]'));
    expect(await corruptCode(open({ kind: 'docker-archive', path: await writeTar(scratch('d.tar'), docker.files) }))).toMatch(/^TARGET_CORRUPT: .*manifest\.json entry 0 lacks Config or Layers$/);
  });

  it('rejects a layer that is not a tar', async () => {
    const built = await ociLayoutFiles(image);
    const layer = built.images[0]!.layers[0]!;
    const junk = Buffer.alloc(1024, 0x41);
    // Keep the manifest consistent so the failure is about the layer content itself.
    const manifestName = `blobs/${built.images[0]!.manifestDigest.replace(':', '/')}`;
    built.files.delete(`blobs/${layer.digest.replace(':', '/')}`);
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(junk).digest('hex')}`;
    built.files.set(`blobs/${digest.replace(':', '/')}`, junk);
    const manifest = JSON.parse(built.files.get(manifestName)!.toString());
    manifest.layers[0] = { ...manifest.layers[0], digest, size: junk.length };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = `sha256:${createHash('sha256').update(manifestBytes).digest('hex')}`;
    built.files.set(`blobs/${manifestDigest.replace(':', '/')}`, manifestBytes);
    built.files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifestBytes.length }] })));
    expect(await corruptCode(open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) }))).toMatch(/^TARGET_CORRUPT: .*layer 0 .* is damaged/);
  });

  it('reports a path that does not exist', async () => {
    expect(await corruptCode(open({ kind: 'oci-archive', path: join(base, 'nope.tar') }))).toMatch(/^TARGET_NOT_FOUND/);
  });
});

describe('sniffing', () => {
  it('recognises each kind by content', async () => {
    const image: ImageSpec = { layers: [{ a: 'a' }] };
    const oci = await ociLayoutFiles(image);
    const docker = await dockerArchiveFiles(image);
    expect(await sniffImageArchive(writeFolder(scratch('layout'), oci.files))).toBe('oci-dir');
    expect(await sniffImageArchive(await writeTar(scratch('x'), oci.files))).toBe('oci-archive');
    expect(await sniffImageArchive(await writeTar(scratch('x'), oci.files, { gzip: true }))).toBe('oci-archive');
    expect(await sniffImageArchive(await writeTar(scratch('x'), docker.files))).toBe('docker-archive');
    expect(await sniffImageArchive(await writeTar(scratch('x'), docker.files, { gzip: true }))).toBe('docker-archive');
  });

  it('says undefined for anything else', async () => {
    const plain = scratch('plain');
    writeFileSync(plain, 'just text, not a tar at all'.repeat(40));
    expect(await sniffImageArchive(plain)).toBeUndefined();
    expect(await sniffImageArchive(await writeTar(scratch('x'), new Map([['hello.txt', Buffer.from('hi')]])))).toBeUndefined();
    expect(await sniffImageArchive(base)).toBeUndefined();
    expect(await sniffImageArchive(join(base, 'missing'))).toBeUndefined();
  });
});

describe('keeping contents', () => {
  const image: ImageSpec = {
    layers: [
      { 'usr/lib/os-release': 'ID=alpine\n', 'etc/os-release': { symlink: '../usr/lib/os-release' }, 'data/big': Buffer.alloc(5000, 1) },
      { 'data/other': 'other', 'data/big': Buffer.alloc(6000, 2) },
    ],
    compression: 'gzip',
  };

  it('keeps only what interest asks for and streams the rest out of its layer when asked', async () => {
    const asked: string[] = [];
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(image)).files);
    const { tree, tempDir } = await open(
      { kind: 'oci-dir', path },
      {
        interest: (p) => {
          asked.push(p);
          return p === '/etc/os-release';
        },
      },
    );
    expect(asked).toContain('/usr/lib/os-release');
    // Nothing was kept: the interesting path is a link, the file behind it was not asked for.
    expect(readdirSync(tempDir)).toEqual([]);
    const file = (await tree.lookup('/etc/os-release'))!;
    expect(file.realPath).toBe('/usr/lib/os-release');
    expect((await tree.readFile(file)).toString()).toBe('ID=alpine\n');
    expect(readFileSync(await tree.localPath(file), 'utf8')).toBe('ID=alpine\n');
    expect(readdirSync(tempDir)).toHaveLength(1);
    const big = (await tree.lookup('/data/big'))!;
    const versions = await tree.versions(big);
    expect(await Promise.all(versions.map(async (v) => [...(await tree.readFile(v)).subarray(0, 1)][0]))).toEqual([1, 2]);
  });

  it('warns when the extraction budget runs out, and still reads files from their layer', async () => {
    const limits: SourceLimits = { ...defaultSourceLimits, maxExtractBytes: 8000 };
    const path = await writeTar(scratch('oci.tar'), (await ociLayoutFiles(image)).files);
    const { tree, warnings } = await open({ kind: 'oci-archive', path }, { limits });
    expect(warnings.map((w) => w.code)).toEqual(['EXTRACT_LIMIT']);
    const big = (await tree.lookup('/data/big'))!;
    expect((await tree.readFile(big)).length).toBe(6000);
    await expect(tree.localPath(big)).rejects.toThrow(/extraction limit/);
    // Ranges of a file that could not be kept come from its layer, held once in memory.
    expect([...(await tree.readRange(big, 5990, 100))]).toEqual(Array(10).fill(2));
    expect((await tree.readRange(big, 0, 3)).length).toBe(3);
    expect((await tree.readRange(big, 6000, 3)).length).toBe(0);
    expect((await tree.readRange((await tree.lookup('/data/other'))!, 1, 3)).toString()).toBe('the');
  });

  it('reads ranges of a kept file from its copy, clipped to it, each version its own', async () => {
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(image)).files);
    const { tree } = await open({ kind: 'oci-dir', path });
    const big = (await tree.lookup('/data/big'))!;
    expect([...(await tree.readRange(big, 5998, 10))]).toEqual([2, 2]);
    const [first] = await tree.versions(big);
    expect([...(await tree.readRange(first!, 4998, 10))]).toEqual([1, 1]);
    expect((await tree.readRange(big, 7000, 10)).length).toBe(0);
    await expect(tree.readRange(big, 0, -1)).rejects.toBeInstanceOf(RangeError);
    const link = (await tree.lookup('/etc/os-release'))!;
    expect((await tree.readRange(link, 3, 6)).toString()).toBe('alpine');
  });

  it('refuses files over the file limit', async () => {
    const limits: SourceLimits = { ...defaultSourceLimits, maxFileBytes: 4000 };
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(image)).files);
    const { tree, tempDir } = await open({ kind: 'oci-dir', path }, { limits });
    expect(readdirSync(tempDir)).toHaveLength(2);
    await expect(tree.readFile((await tree.lookup('/data/big'))!)).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(tree.readRange((await tree.lookup('/data/big'))!, 0, 1)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  const smallThenBig: ImageSpec = {
    layers: [
      { 'data/big': 'small' },
      [
        ['data/other', 'other'],
        ['data/big', Buffer.alloc(20_000, 2)],
      ],
    ],
  };

  it('skips a layer over the layer limit with a warning', async () => {
    const limits: SourceLimits = { ...defaultSourceLimits, maxLayerBytes: 8000 };
    const path = await writeTar(scratch('oci.tar'), (await ociLayoutFiles(smallThenBig)).files);
    const { tree, warnings } = await open({ kind: 'oci-archive', path }, { limits });
    expect(warnings.map((w) => w.code)).toEqual(['LAYER_TOO_LARGE']);
    expect(await text(tree, '/data/other')).toBeUndefined();
    expect(await text(tree, '/data/big')).toBe('small');
  });

  it('reads only part of a compressed layer that unpacks past the layer limit', async () => {
    const limits: SourceLimits = { ...defaultSourceLimits, maxLayerBytes: 8000 };
    const path = await writeTar(scratch('oci.tar'), (await ociLayoutFiles({ ...smallThenBig, compression: 'gzip' })).files);
    const { tree, warnings } = await open({ kind: 'oci-archive', path }, { limits });
    expect(warnings.map((w) => w.code)).toEqual(['LAYER_TOO_LARGE']);
    expect(warnings[0]!.message).toMatch(/only its first \d+ bytes were read/);
    // Entries before the limit are there; the one it cut short is not.
    expect(await text(tree, '/data/other')).toBe('other');
    expect(await text(tree, '/data/big')).toBe('small');
  });

  it('reports progress over the layer bytes', async () => {
    const path = writeFolder(scratch('layout'), (await ociLayoutFiles(image)).files);
    const seen: Array<[number, number]> = [];
    await open({ kind: 'oci-dir', path }, { onProgress: (done, total) => seen.push([done, total]) });
    const [done, total] = seen[seen.length - 1]!;
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(0);
  });
});

describe('more layout shapes and fallbacks', () => {
  it('follows indexes nested two deep', async () => {
    const { createHash } = await import('node:crypto');
    const built = await ociLayoutFiles(
      [
        { platform: { os: 'linux', architecture: 'arm64' }, layers: [{ arch: 'arm64' }] },
        { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ arch: 'amd64' }] },
      ],
      { nestedIndex: true, tag: 'deep' },
    );
    // Wrap the index that index.json names in one more index.
    const outer = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: JSON.parse(built.files.get('index.json')!.toString()).manifests }));
    const outerDigest = `sha256:${createHash('sha256').update(outer).digest('hex')}`;
    built.files.set(`blobs/${outerDigest.replace(':', '/')}`, outer);
    built.files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: outerDigest, size: outer.length }] })));
    const { tree, target } = await open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) }, { platform: 'linux/arm64' });
    expect(await text(tree, '/arch')).toBe('arm64');
    expect(target.tags).toEqual(['deep']);
    expect(target.manifestDigest).toBe(built.images[0]!.manifestDigest);
  });

  it('rejects a config blob that does not match its digest', async () => {
    const built = await ociLayoutFiles({ layers: [{ a: 'a' }] });
    const name = `blobs/${built.images[0]!.configDigest.replace(':', '/')}`;
    built.files.set(name, Buffer.from(built.files.get(name)!.toString().replace('amd64', 'arm64')));
    expect(await corruptCode(open({ kind: 'oci-dir', path: writeFolder(scratch('layout'), built.files) }))).toMatch(
      /^TARGET_CORRUPT: .*the image config blob sha256:[a-f0-9]+ does not match its digest/,
    );
  });

  it('streams a hard-linked file out of its layer when only the link was of interest, once for concurrent reads', async () => {
    const path = await writeTar(
      scratch('oci.tar'),
      (await ociLayoutFiles({ layers: [{ 'usr/bin/python3.11': 'python bytes' }, { 'usr/bin/python3': { hardlink: 'usr/bin/python3.11' } }], compression: 'gzip' })).files,
    );
    const { tree, tempDir } = await open({ kind: 'oci-archive', path }, { interest: (p) => p === '/usr/bin/python3' });
    expect(readdirSync(tempDir)).toEqual([]);
    const file = (await tree.lookup('/usr/bin/python3'))!;
    expect(file).toMatchObject({ realPath: '/usr/bin/python3.11', size: 12 });
    expect(file.layer?.index).toBe(0);
    const [a, b] = await Promise.all([tree.readFile(file), tree.readFile(file)]);
    expect(a.toString()).toBe('python bytes');
    expect(b.toString()).toBe('python bytes');
    expect(readdirSync(tempDir)).toHaveLength(1);
  });
});
