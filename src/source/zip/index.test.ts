import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, run } from '../../../test/harness/tools.js';
import { writeZip, zipDir, zipFile, zipLink, type ZipEntrySpec } from '../../../test/harness/zip-writer.js';
import { VigilError } from '../../errors.js';
import { defaultSourceLimits, FileTooLargeError, type FileTree, type SourceLimits, type WalkEntry } from '../file-tree.js';
import { openSource } from '../index.js';
import { openZipTarget, sniffZip, type OpenZipOptions } from './index.js';

let base: string;
let counter = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-zip-test-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Writes a zip (or any bytes) into the test folder and returns its path. */
function save(name: string, content: ZipEntrySpec[] | Buffer): string {
  const path = join(base, `${++counter}-${name}`);
  writeFileSync(path, Buffer.isBuffer(content) ? content : writeZip(content));
  return path;
}

function sha256Hex(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const opened: FileTree[] = [];
afterAll(async () => {
  for (const tree of opened) await tree.close();
});

async function open(path: string, layers: string[] = [], options: Partial<OpenZipOptions> = {}) {
  const tempDir = mkdtempSync(join(base, 'temp-'));
  const result = await openZipTarget({ path, layers }, { limits: defaultSourceLimits, tempDir, ...options });
  opened.push(result.tree);
  return { ...result, tempDir };
}

async function text(tree: FileTree, path: string): Promise<string | undefined> {
  const file = await tree.lookup(path);
  return file ? (await tree.readFile(file)).toString() : undefined;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VigilError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

async function walked(tree: FileTree, root = '/'): Promise<string[]> {
  const entries: WalkEntry[] = [];
  await tree.walk(root, (entry) => void entries.push(entry));
  return entries.map((e) => `${e.kind} ${e.path}`).sort();
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A function package and two layers; layer 2 replaces a file of layer 1. */
function lambda() {
  const func = save('function.zip', [
    zipFile('handler.py', 'def handler(event, context): pass\n'),
    zipDir('vendor'),
    zipFile('vendor/requests-2.31.0.dist-info/METADATA', 'Name: requests\nVersion: 2.31.0\n'),
    zipFile('app.jar', Buffer.from('PK\u0003\u0004 a nested archive stays a file')),
  ]);
  const layer1 = save('layer1.zip', [
    zipFile('python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info/METADATA', 'Name: urllib3\nVersion: 2.0.0\n'),
    zipFile('python/shared.txt', 'from layer 1'),
    zipFile('bin/tool', 'tool', { mode: 0o100755 }),
  ]);
  const layer2 = save('layer2.zip', [
    zipFile('python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info/METADATA', 'Name: urllib3\nVersion: 2.2.2\n'),
    zipFile('nodejs/node_modules/left-pad/package.json', '{"name":"left-pad","version":"1.3.0"}'),
    // A layer never reaches the function code: this lands in /opt/var/task, not /var/task.
    zipFile('var/task/handler.py', 'not the handler'),
  ]);
  return { func, layer1, layer2 };
}

describe('openZipTarget: a function package with layers', () => {
  it('lays the package under /var/task and the layers under /opt, later layers winning', async () => {
    const { func, layer1, layer2 } = lambda();
    const { tree, target, warnings } = await open(func, [layer1, layer2]);
    expect(warnings).toEqual([]);
    expect(target).toEqual({
      kind: 'zip',
      name: func.split('/').pop(),
      path: func,
      sha256: sha256Hex(func),
      layers: [
        { index: 0, digest: `sha256:${sha256Hex(func)}` },
        { index: 1, digest: `sha256:${sha256Hex(layer1)}` },
        { index: 2, digest: `sha256:${sha256Hex(layer2)}` },
      ],
    });
    expect(await text(tree, '/var/task/handler.py')).toBe('def handler(event, context): pass\n');
    expect(await text(tree, '/opt/var/task/handler.py')).toBe('not the handler');
    expect(await text(tree, '/opt/python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info/METADATA')).toContain('2.2.2');
    expect(await text(tree, '/opt/python/shared.txt')).toBe('from layer 1');
    expect(await walked(tree)).toEqual(
      [
        'directory /opt',
        'directory /opt/bin',
        'directory /opt/nodejs',
        'directory /opt/nodejs/node_modules',
        'directory /opt/nodejs/node_modules/left-pad',
        'directory /opt/python',
        'directory /opt/python/lib',
        'directory /opt/python/lib/python3.12',
        'directory /opt/python/lib/python3.12/site-packages',
        'directory /opt/python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info',
        'directory /opt/var',
        'directory /opt/var/task',
        'directory /var',
        'directory /var/task',
        'directory /var/task/vendor',
        'directory /var/task/vendor/requests-2.31.0.dist-info',
        'file /opt/bin/tool',
        'file /opt/nodejs/node_modules/left-pad/package.json',
        'file /opt/python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info/METADATA',
        'file /opt/python/shared.txt',
        'file /opt/var/task/handler.py',
        'file /var/task/app.jar',
        'file /var/task/handler.py',
        'file /var/task/vendor/requests-2.31.0.dist-info/METADATA',
      ].sort(),
    );
  });

  it('gives every file the layer of its archive, and the history of a replaced file', async () => {
    const { func, layer1, layer2 } = lambda();
    const { tree, target } = await open(func, [layer1, layer2]);
    expect((await tree.lookup('/var/task/handler.py'))?.layer).toEqual(target.layers[0]);
    expect((await tree.lookup('/opt/python/shared.txt'))?.layer).toEqual(target.layers[1]);
    const metadata = (await tree.lookup('/opt/python/lib/python3.12/site-packages/urllib3-2.0.0.dist-info/METADATA'))!;
    expect(metadata.layer).toEqual(target.layers[2]);
    const history = await tree.versions(metadata);
    expect(history.map((f) => f.layer?.index)).toEqual([1, 2]);
    expect((await tree.readFile(history[0]!)).toString()).toContain('2.0.0');
    expect((await tree.readFile(history[1]!)).toString()).toContain('2.2.2');
    expect(await tree.versions(history[0]!)).toHaveLength(1);
  });

  it('keeps nested archives as plain files', async () => {
    const { func } = lambda();
    const { tree } = await open(func);
    const jar = (await tree.lookup('/var/task/app.jar'))!;
    expect((await tree.readHead(jar, 4)).toString('latin1')).toBe('PK\u0003\u0004');
    expect(await tree.readDir('/var/task/app.jar')).toBeUndefined();
  });

  it('reads directories, heads, modes, and skips a walk below a directory', async () => {
    const { func, layer1 } = lambda();
    const { tree } = await open(func, [layer1]);
    expect((await tree.readDir('/'))?.map((e) => `${e.kind} ${e.name}`).sort()).toEqual(['directory opt', 'directory var']);
    expect((await tree.readDir('/var/task'))?.map((e) => e.name).sort()).toEqual(['app.jar', 'handler.py', 'vendor']);
    expect((await tree.readHead((await tree.lookup('/var/task/handler.py'))!, 3)).toString()).toBe('def');
    const modes: Record<string, number> = {};
    await tree.walk('/opt', (entry) => {
      modes[entry.path] = entry.mode;
      return entry.path === '/opt/python' ? 'skip' : undefined;
    });
    expect(modes['/opt/bin/tool']).toBe(0o755);
    expect(Object.keys(modes).filter((p) => p.startsWith('/opt/python/'))).toEqual([]);
    expect(await walked(tree, '/var/task/handler.py')).toEqual([]);
  });

  it('extracts a file once, under a generated name in its temporary folder', async () => {
    const func = save('function.zip', [zipFile('var/lib/db.sqlite', 'SQLite format 3\u0000 pretend')]);
    const { tree, tempDir } = await open(func);
    const file = (await tree.lookup('/var/task/var/lib/db.sqlite'))!;
    const [first, second] = await Promise.all([tree.localPath(file), tree.localPath(file)]);
    expect(first).toBe(second);
    expect(await tree.localPath(file)).toBe(first);
    expect(first.startsWith(tempDir + '/')).toBe(true);
    expect(first).not.toContain('db.sqlite');
    expect(readFileSync(first, 'utf8')).toBe('SQLite format 3\u0000 pretend');
    expect(readdirSync(tempDir)).toHaveLength(1);
    expect((await tree.readFile(file)).toString()).toBe('SQLite format 3\u0000 pretend');
    expect((await tree.readHead(file, 6)).toString()).toBe('SQLite');
  });

  it('refuses to extract past the extraction budget', async () => {
    const func = save('function.zip', [zipFile('a', 'x'.repeat(100))]);
    const { tree } = await open(func, [], { limits: { ...defaultSourceLimits, maxExtractBytes: 10 } });
    const file = (await tree.lookup('/var/task/a'))!;
    await expect(tree.localPath(file)).rejects.toThrow(/extraction limit/);
    expect((await tree.readFile(file)).length).toBe(100);
  });

  it('reads ranges: stored members straight from the archive, deflated ones from a copy made once', async () => {
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const func = save('ranges.zip', [zipFile('stored.bin', body, { method: 'store' }), zipFile('deflated.bin', body), zipFile('empty', '')]);
    const { tree, tempDir } = await open(func);
    const stored = (await tree.lookup('/var/task/stored.bin'))!;
    expect([...(await tree.readRange(stored, 4990, 100))]).toEqual([...body.subarray(4990)]);
    expect([...(await tree.readRange(stored, 251, 3))]).toEqual([0, 1, 2]);
    expect((await tree.readRange(stored, 5000, 3)).length).toBe(0);
    expect(readdirSync(tempDir)).toEqual([]);
    const deflated = (await tree.lookup('/var/task/deflated.bin'))!;
    expect([...(await tree.readRange(deflated, 4990, 100))]).toEqual([...body.subarray(4990)]);
    expect([...(await tree.readRange(deflated, 0, 4))]).toEqual([0, 1, 2, 3]);
    expect(readdirSync(tempDir)).toHaveLength(1);
    expect((await tree.readRange((await tree.lookup('/var/task/empty'))!, 0, 10)).length).toBe(0);
    await expect(tree.readRange(stored, 1.5, 1)).rejects.toBeInstanceOf(RangeError);
  });

  it('reads ranges of a deflated member past the extraction budget from memory, and none over the file limit', async () => {
    const func = save('function.zip', [zipFile('a', 'abcdefghij'.repeat(10))]);
    const { tree, tempDir } = await open(func, [], { limits: { ...defaultSourceLimits, maxExtractBytes: 10 } });
    const file = (await tree.lookup('/var/task/a'))!;
    expect((await tree.readRange(file, 95, 10)).toString()).toBe('fghij');
    expect((await tree.readRange(file, 10, 3)).toString()).toBe('abc');
    expect(readdirSync(tempDir)).toEqual([]);
    const small = await open(func, [], { limits: { ...defaultSourceLimits, maxFileBytes: 50 } });
    await expect(small.tree.readRange((await small.tree.lookup('/var/task/a'))!, 0, 1)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it('reports a damaged stored member read by range as damaged', async () => {
    const func = save('function.zip', [zipFile('a', 'x'.repeat(100), { method: 'store' })]);
    const bytes = readFileSync(func);
    // Point the member at a local header that is not one.
    const central = bytes.lastIndexOf(Buffer.from('PK\u0001\u0002', 'latin1'));
    bytes.writeUInt32LE(50, central + 42);
    writeFileSync(func, bytes);
    const { tree } = await open(func);
    expect(await failure(tree.readRange((await tree.lookup('/var/task/a'))!, 0, 4))).toMatch(/^TARGET_CORRUPT: .*a cannot be read/);
  });

  it('opens an empty archive, and a plain zip without layers', async () => {
    const empty = save('empty.zip', []);
    const { tree, target } = await open(empty);
    expect(await walked(tree)).toEqual(['directory /var', 'directory /var/task']);
    expect(target.layers).toHaveLength(1);
  });
});

describe('openZipTarget: links', () => {
  const links = (): string =>
    save('links.zip', [
      zipFile('vendor/lib/real.txt', 'real'),
      zipLink('lib', 'vendor/lib'),
      zipLink('vendor/up', '../lib/real.txt'),
      zipLink('to-opt', '/opt/python/data.txt'),
      zipLink('escape-relative', '../../../../../../opt/python/data.txt'),
      zipLink('escape-absolute', '/etc/passwd'),
      zipLink('escape-host', '../../../../../../../../etc/hostname'),
      zipLink('loop-a', 'loop-b'),
      zipLink('loop-b', 'loop-a'),
    ]);
  const layer = (): string => save('layer.zip', [zipFile('python/data.txt', 'layer data')]);

  it('follows links inside the tree, across the package and its layers', async () => {
    const { tree } = await open(links(), [layer()]);
    expect(await text(tree, '/var/task/lib/real.txt')).toBe('real');
    const viaLink = (await tree.lookup('/var/task/vendor/up'))!;
    expect(viaLink.realPath).toBe('/var/task/vendor/lib/real.txt');
    expect(await text(tree, '/var/task/to-opt')).toBe('layer data');
    expect((await tree.readDir('/var/task/lib'))?.map((e) => e.name)).toEqual(['real.txt']);
  });

  it('confines links that climb out, as if the tree were chroot-ed, and stops loops', async () => {
    const { tree } = await open(links(), [layer()]);
    // '..' at the root stays at the root: the climb lands on the tree's own /opt.
    expect(await text(tree, '/var/task/escape-relative')).toBe('layer data');
    // The host's /etc/passwd and /etc/hostname are never read.
    expect(await tree.lookup('/var/task/escape-absolute')).toBeUndefined();
    expect(await tree.lookup('/var/task/escape-host')).toBeUndefined();
    expect(await tree.lookup('/var/task/loop-a')).toBeUndefined();
    // Ranges follow links the same way: to the tree's own file, never the host's.
    expect((await tree.readRange((await tree.lookup('/var/task/escape-relative'))!, 6, 4)).toString()).toBe('data');
    expect((await tree.readDir('/var/task'))?.find((e) => e.name === 'lib')?.kind).toBe('symlink');
    expect(await walked(tree, '/var/task/lib')).toEqual(['file /var/task/vendor/lib/real.txt']);
  });

  it('reads a link only as a link when the archive was not made on unix', async () => {
    const func = save('dos.zip', [{ name: 'link', symlink: 'target', host: 0 }]);
    const { tree } = await open(func);
    expect(await text(tree, '/var/task/link')).toBe('target');
  });

  it('leaves out a link whose target is too long to be one', async () => {
    const func = save('long-link.zip', [zipLink('long', 'a/'.repeat(3000))]);
    const { tree, warnings } = await open(func);
    expect(await tree.readDir('/var/task')).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['LINK_UNREADABLE']);
  });
});

describe('openZipTarget: hostile names and duplicates', () => {
  it('ignores names that are absolute or climb out of the root, and writes nothing for them', async () => {
    const func = save('unsafe.zip', [
      zipFile('../evil.txt', 'evil'),
      zipFile('a/../../evil2.txt', 'evil'),
      zipFile('/etc/cron.d/evil', 'evil'),
      zipFile('C:/Windows/evil', 'evil'),
      zipFile('..\\..\\evil3.txt', 'evil'),
      zipFile('ok/../fine.txt', 'fine'),
      zipFile('./also-fine.txt', 'fine'),
    ]);
    const { tree, warnings, tempDir } = await open(func);
    expect(await walked(tree)).toEqual([
      'directory /var',
      'directory /var/task',
      'file /var/task/also-fine.txt',
      'file /var/task/fine.txt',
    ]);
    expect(warnings).toEqual([
      {
        code: 'UNSAFE_PATH',
        message: `${func} has 5 entries leading outside the archive root (absolute, or climbing with "..") (first: ../evil.txt); ignored`,
        path: '../evil.txt',
        count: 5,
      },
    ]);
    expect(existsSync(join(base, 'evil.txt'))).toBe(false);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('keeps the last of entries with the same name, as unzip does, and says so', async () => {
    const func = save('duplicates.zip', [
      zipDir('dir'),
      zipFile('dir/a.txt', 'first'),
      zipDir('dir/'),
      zipFile('dir/a.txt', 'second'),
      zipFile('dir/./a.txt', 'third'),
      zipFile('b.txt', 'only'),
    ]);
    const { tree, warnings } = await open(func);
    expect(await text(tree, '/var/task/dir/a.txt')).toBe('third');
    const file = (await tree.lookup('/var/task/dir/a.txt'))!;
    expect(await tree.versions(file)).toHaveLength(1);
    expect(await text(tree, '/var/task/b.txt')).toBe('only');
    expect(warnings.map((w) => [w.code, w.count, w.path])).toEqual([['DUPLICATE_ENTRY', 2, 'dir/a.txt']]);
  });

  it('does not let a link entry turn a later entry into a write outside the tree', async () => {
    const func = save('link-then-file.zip', [zipLink('etc', '/etc'), zipFile('etc/passwd', 'inside')]);
    const { tree } = await open(func);
    expect(await text(tree, '/var/task/etc/passwd')).toBe('inside');
    expect(await tree.lookup('/etc/passwd')).toBeUndefined();
  });
});

describe('openZipTarget: zip bombs and limits', () => {
  it('skips a large member compressed beyond the ratio cap, keeping the rest', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const random = randomBytes(2 * 1024 * 1024);
    const func = save('bomb.zip', [
      zipFile('bomb.bin', zeros),
      zipFile('small-but-compressible.txt', 'a'.repeat(512 * 1024)),
      zipFile('random.bin', random),
    ]);
    const { tree, warnings } = await open(func);
    expect(await tree.lookup('/var/task/bomb.bin')).toBeUndefined();
    expect((await tree.lookup('/var/task/small-but-compressible.txt'))?.size).toBe(512 * 1024);
    expect((await tree.readFile((await tree.lookup('/var/task/random.bin'))!)).equals(random)).toBe(true);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['ZIP_BOMB', 'bomb.bin']]);
  });

  it('reads only the first entries of an archive with too many', async () => {
    const func = save('many.zip', Array.from({ length: 8 }, (_, i) => zipFile(`f${i}`, `${i}`)));
    const { tree, warnings } = await open(func, [], { caps: { maxEntries: 5 } });
    expect((await tree.readDir('/var/task'))?.map((e) => e.name).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(warnings.map((w) => [w.code, w.count])).toEqual([['TOO_MANY_ENTRIES', 3]]);
  });

  it('stops at the member that makes an archive declare more than the layer limit', async () => {
    const func = save('large.zip', [zipFile('a', 'x'.repeat(600)), zipFile('b', 'x'.repeat(600)), zipFile('c', 'x')]);
    const limits: SourceLimits = { ...defaultSourceLimits, maxLayerBytes: 1000 };
    const { tree, warnings } = await open(func, [], { limits });
    expect((await tree.readDir('/var/task'))?.map((e) => e.name)).toEqual(['a']);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['LAYER_TOO_LARGE', 'b']]);
  });

  it('keeps a file over the file limit in the tree, and refuses to read it', async () => {
    const func = save('big.zip', [zipFile('big.txt', 'x'.repeat(2000)), zipFile('small.txt', 'x')]);
    const { tree } = await open(func, [], { limits: { ...defaultSourceLimits, maxFileBytes: 1000 } });
    const big = (await tree.lookup('/var/task/big.txt'))!;
    expect(big.size).toBe(2000);
    await expect(tree.readFile(big)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await text(tree, '/var/task/small.txt')).toBe('x');
  });

  it('never inflates more than a member declares, and checks its CRC-32', async () => {
    const func = save('liars.zip', [
      zipFile('understated.txt', 'x'.repeat(5000), { declaredSize: 10 }),
      zipFile('overstated.txt', 'short', { declaredSize: 5000 }),
      zipFile('bad-crc.txt', 'hello', { declaredCrc: 1234 }),
      zipFile('bad-crc-stored.txt', 'hello', { declaredCrc: 1234, method: 'store' }),
    ]);
    const { tree } = await open(func);
    for (const name of ['understated.txt', 'overstated.txt', 'bad-crc.txt', 'bad-crc-stored.txt']) {
      const file = (await tree.lookup(`/var/task/${name}`))!;
      expect(await failure(tree.readFile(file))).toMatch(new RegExp(`^TARGET_CORRUPT: .*liars\\.zip: ${name.replace('.', '\\.')} cannot be read: `));
      await expect(tree.localPath(file)).rejects.toBeInstanceOf(VigilError);
    }
  });

  it('leaves out encrypted members and unsupported compression methods', async () => {
    const func = save('unsupported.zip', [
      zipFile('secret.txt', 'hidden', { encrypted: true, method: 'store' }),
      zipFile('bzip2.bin', 'data', { methodNumber: 12 }),
      zipFile('plain.txt', 'plain'),
    ]);
    const { tree, warnings } = await open(func);
    expect((await tree.readDir('/var/task'))?.map((e) => e.name)).toEqual(['plain.txt']);
    expect(warnings.map((w) => [w.code, w.count])).toEqual([['ENTRY_UNSUPPORTED', 2]]);
  });
});

describe('openZipTarget: damaged and missing archives', () => {
  it('reports a truncated archive as damaged, in one line', async () => {
    const { func } = lambda();
    const bytes = readFileSync(func);
    const truncated = save('truncated.zip', bytes.subarray(0, bytes.length - 30));
    const message = await failure(open(truncated));
    expect(message).toMatch(/^TARGET_CORRUPT: .*truncated\.zip is a damaged zip archive: /);
    expect(message).not.toContain('\n');
  });

  it('reports a damaged central directory as damaged', async () => {
    const { func } = lambda();
    const bytes = Buffer.from(readFileSync(func));
    const central = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(0xdeadbeef, central);
    expect(await failure(open(save('damaged.zip', bytes)))).toMatch(/^TARGET_CORRUPT: .*damaged\.zip is a damaged zip archive: invalid central directory/);
  });

  it('reports a file that is no zip as unrecognised', async () => {
    const path = save('notes.txt', Buffer.from('just some text, long enough to look for an end record in\n'.repeat(3)));
    expect(await failure(open(path))).toBe(`TARGET_UNRECOGNISED: ${path} is not a zip archive`);
    expect(await failure(open(join(base)))).toBe(`TARGET_UNRECOGNISED: ${base} is not a file, so it cannot be a zip archive`);
  });

  it('names a missing layer', async () => {
    const { func, layer1 } = lambda();
    const missing = join(base, 'no-such-layer.zip');
    expect(await failure(open(func, [layer1, missing]))).toBe(`TARGET_NOT_FOUND: the layer ${missing} does not exist`);
  });

  it('leaves no file descriptor open, opened or failed', async () => {
    const { func, layer1 } = lambda();
    const notZip = save('not.zip', Buffer.from('nothing'));
    const before = openDescriptors();
    const { tree } = await open(func, [layer1]);
    await tree.readFile((await tree.lookup('/var/task/handler.py'))!);
    await tree.close();
    await tree.close();
    await failure(open(func, [layer1, notZip]));
    await failure(open(func, [join(base, 'missing.zip')]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openDescriptors()).toBe(before);
  });
});

describe('sniffZip', () => {
  it.each([
    ['an archive', () => save('a.zip', [zipFile('a', 'a')]), true],
    ['an empty archive', () => save('empty.zip', []), true],
    ['text', () => save('a.txt', Buffer.from('hello')), false],
    ['a one-byte file', () => save('p', Buffer.from('P')), false],
    ['an archive behind a stub', () => save('sfx', writeZip([zipFile('a', 'a')], { prefix: Buffer.from('#!/bin/sh\n') })), false],
    ['a folder', () => base, false],
    ['nothing', () => join(base, 'missing'), false],
  ])('%s → %s', async (_name, make, expected) => {
    expect(await sniffZip(make())).toBe(expected);
  });

  it('an archive behind a stub still opens when named explicitly', async () => {
    const path = save('sfx', writeZip([zipFile('a', 'a')], { prefix: Buffer.from('#!/bin/sh\nexit 0\n') }));
    const { tree } = await open(path);
    expect(await text(tree, '/var/task/a')).toBe('a');
  });
});

describe.skipIf(!hasTool('zip'))('archives written by Info-ZIP zip', () => {
  it('reads files, directories and stored symbolic links as unzip would lay them out', async () => {
    const source = mkdtempSync(join(base, 'zip-src-'));
    mkdirSync(join(source, 'pkg/sub'), { recursive: true });
    writeFileSync(join(source, 'pkg/sub/module.py'), 'print("hi")\n'.repeat(100));
    writeFileSync(join(source, 'pkg/empty'), '');
    symlinkSync('sub/module.py', join(source, 'pkg/link.py'));
    const archive = join(base, `${++counter}-real.zip`);
    run('zip', ['-q', '-r', '-y', archive, 'pkg'], { cwd: source });
    expect(await sniffZip(archive)).toBe(true);
    const { tree, warnings } = await open(archive);
    expect(warnings).toEqual([]);
    expect(await walked(tree)).toEqual([
      'directory /var',
      'directory /var/task',
      'directory /var/task/pkg',
      'directory /var/task/pkg/sub',
      'file /var/task/pkg/empty',
      'file /var/task/pkg/sub/module.py',
      'symlink /var/task/pkg/link.py',
    ]);
    expect(await text(tree, '/var/task/pkg/link.py')).toBe('print("hi")\n'.repeat(100));
    expect(await text(tree, '/var/task/pkg/empty')).toBe('');
  });
});

describe('openSource with a zip target', () => {
  const options = { limits: defaultSourceLimits, interest: () => true };

  it('opens a function package with its layers, by content and by prefix', async () => {
    const { func, layer1, layer2 } = lambda();
    for (const target of [func, `zip:${func}`]) {
      const source = await openSource(target, { ...options, layers: [layer1, layer2] });
      try {
        expect(source.target.kind).toBe('zip');
        const handler = (await source.tree.lookup('/var/task/handler.py'))!;
        expect(handler.layer).toEqual({ index: 0, digest: `sha256:${sha256Hex(func)}` });
        const pkg = (await source.tree.lookup('/opt/nodejs/node_modules/left-pad/package.json'))!;
        expect(pkg.layer).toEqual({ index: 2, digest: `sha256:${sha256Hex(layer2)}` });
        const shared = (await source.tree.lookup('/opt/python/shared.txt'))!;
        expect(shared.layer).toEqual({ index: 1, digest: `sha256:${sha256Hex(layer1)}` });
      } finally {
        await source.close();
      }
    }
  });

  it('refuses layers for a target that is not a zip', async () => {
    const dir = mkdtempSync(join(base, 'dir-'));
    const { layer1 } = lambda();
    expect(await failure(openSource(dir, { ...options, layers: [layer1] }))).toMatch(/^INVALID_ARGUMENT: layers go with a zip function package/);
    const source = await openSource(dir, { ...options, layers: [] });
    await source.close();
  });

  it('reports a zip: target that is missing or is no zip', async () => {
    expect(await failure(openSource(`zip:${join(base, 'nope.zip')}`, options))).toMatch(/^TARGET_NOT_FOUND: /);
    const text = save('text', Buffer.from('hello'));
    expect(await failure(openSource(`zip:${text}`, options))).toBe(`TARGET_UNRECOGNISED: ${text} is not a zip archive`);
  });
});
