import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferBytes } from '../random-access-bytes.js';
import { sha1OfBytes, sha1OfFile } from './file-sha1.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-file-sha1-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** A file of the target as the cataloger sees it: its bytes by ranges, and a path on the disk. */
function targetFile(bytes: Buffer, localPath: () => Promise<string>) {
  const ranges = bufferBytes(bytes);
  let rangesRead = 0;
  return {
    size: bytes.length,
    localPath,
    readRange(offset: number, length: number, into?: Buffer) {
      rangesRead++;
      return ranges.readRange(offset, length, into);
    },
    get rangesRead() {
      return rangesRead;
    },
  };
}

describe('sha1OfFile', () => {
  const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 256));
  const path = join(work, 'app.jar');
  writeFileSync(path, bytes);

  it('hashes a file on the disk from its path, reading none of it by ranges', async () => {
    const file = targetFile(bytes, async () => path);
    expect(await sha1OfFile(file)).toBe(sha1(bytes));
    expect(file.rangesRead).toBe(0);
    // Several at once, through the one buffer.
    expect(await Promise.all([sha1OfFile(file), sha1OfFile(file)])).toEqual([sha1(bytes), sha1(bytes)]);
  });

  it('hashes by ranges what has no path, or a path that does not hold the file it should', async () => {
    const noPath = targetFile(bytes, () => Promise.reject(new Error('over the extraction budget')));
    expect(await sha1OfFile(noPath)).toBe(sha1(bytes));
    expect(noPath.rangesRead).toBe(4);
    // A link in the last segment is not followed.
    symlinkSync(path, join(work, 'link.jar'));
    const viaLink = targetFile(bytes, async () => join(work, 'link.jar'));
    expect(await sha1OfFile(viaLink)).toBe(sha1(bytes));
    expect(viaLink.rangesRead).toBeGreaterThan(0);
    // A path whose file is not the size the target says it is.
    writeFileSync(join(work, 'other.jar'), 'other');
    const other = targetFile(bytes, async () => join(work, 'other.jar'));
    expect(await sha1OfFile(other)).toBe(sha1(bytes));
    expect(await sha1OfFile(targetFile(bytes, async () => join(work, 'missing.jar')))).toBe(sha1(bytes));
  });

  it('hashes bytes in memory in chunks, empty ones included', async () => {
    expect(await sha1OfBytes(bufferBytes(bytes))).toBe(sha1(bytes));
    expect(await sha1OfBytes(bufferBytes(Buffer.alloc(0)))).toBe(sha1(Buffer.alloc(0)));
  });
});
