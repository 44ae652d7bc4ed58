import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip, zipDir, zipFile, zipLink } from '../../../test/harness/zip-writer.js';
import { VigilError } from '../../errors.js';
import { defaultSourceLimits, FileTooLargeError, type FileTree } from '../file-tree.js';
import { openZipTarget } from './index.js';

let base: string;
let counter = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-zip-fuzz-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Small limits, so damaged size fields meet them too. */
const limits = { ...defaultSourceLimits, maxFileBytes: 64 * 1024, maxExtractBytes: 1024 * 1024 };

/** Every error a zip target may throw at its user: a VigilError, or a file over the limit. */
function expected(error: unknown): boolean {
  return error instanceof VigilError || error instanceof FileTooLargeError;
}

/** Reads everything a cataloger could: every file, its head, ranges of it, a local copy and its history. */
async function readEverything(tree: FileTree): Promise<void> {
  const paths: string[] = [];
  await tree.walk('/', (entry) => void paths.push(entry.path));
  for (const path of paths) {
    await tree.readDir(path);
    const file = await tree.lookup(path);
    if (!file) continue;
    for (const read of [
      () => tree.readFile(file),
      () => tree.readHead(file, 16),
      () => tree.readRange(file, Math.max(0, file.size - 8), 16),
      () => tree.readRange(file, 1, 4),
      () => tree.localPath(file),
      () => tree.versions(file),
    ]) {
      try {
        await read();
      } catch (error) {
        if (!expected(error)) throw error;
      }
    }
  }
}

async function openAndRead(bytes: Uint8Array, layers: Uint8Array[] = []): Promise<void> {
  const dir = join(base, `${++counter}`);
  const tempDir = mkdtempSync(`${dir}-temp-`);
  const path = `${dir}.zip`;
  writeFileSync(path, bytes);
  const layerPaths = layers.map((layer, n) => {
    const layerPath = `${dir}-layer${n}.zip`;
    writeFileSync(layerPath, layer);
    return layerPath;
  });
  let tree: FileTree | undefined;
  try {
    ({ tree } = await openZipTarget({ path, layers: layerPaths }, { limits, tempDir }));
    await readEverything(tree);
  } catch (error) {
    if (!expected(error)) throw error;
  } finally {
    await tree?.close();
  }
}

const sample = writeZip([
  zipDir('pkg'),
  zipFile('pkg/a.txt', 'hello '.repeat(50)),
  zipFile('pkg/b.bin', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]), { method: 'store' }),
  zipLink('pkg/link', 'a.txt'),
  zipLink('up', '../../pkg/a.txt'),
  zipFile('pkg/a.txt', 'again'),
]);

describe('zip targets under damage', () => {
  it('random bytes as a zip never throw anything but VigilError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        await openAndRead(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes behind a zip signature, with an end record, never throw anything but VigilError', async () => {
    const end = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ minLength: 18, maxLength: 18 }), async (body, tail) => {
        await openAndRead(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), body, end, tail]));
      }),
      { numRuns: 300 },
    );
  });

  it('a real archive with bytes overwritten or cut short never throws anything but VigilError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: sample.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat({ max: sample.length }), { nil: undefined }),
        async (edits, cut) => {
          const damaged = Buffer.from(sample);
          for (const [position, value] of edits) damaged[position] = value;
          await openAndRead(damaged.subarray(0, cut ?? damaged.length), [sample]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an undamaged sample reads without errors', async () => {
    const dir = mkdtempSync(join(base, 'sample-'));
    writeFileSync(join(dir, 'sample.zip'), sample);
    const { tree, warnings } = await openZipTarget({ path: join(dir, 'sample.zip'), layers: [] }, { limits, tempDir: dir });
    expect(warnings.map((w) => w.code)).toEqual(['DUPLICATE_ENTRY']);
    expect((await tree.readFile((await tree.lookup('/var/task/pkg/link'))!)).toString()).toBe('again');
    // Climbing out of /var/task lands in the tree's own root, where there is no /pkg.
    expect(await tree.lookup('/var/task/up')).toBeUndefined();
    await tree.close();
  });
});
