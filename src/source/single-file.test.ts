import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSourceLimits, FileTooLargeError } from './file-tree.js';
import { openSource } from './index.js';

describe('single-file targets', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-single-file-'));
    writeFileSync(join(work, 'app'), Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(64)]));
    chmodSync(join(work, 'app'), 0o755);
    writeFileSync(join(work, 'lib.jar'), Buffer.from('PK\x03\x04not really a jar'));
    writeFileSync(join(work, 'function.zip'), Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
    writeFileSync(join(work, 'notes.txt'), 'plain text\n');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const options = { limits: defaultSourceLimits, interest: () => true };

  it('reads a binary as a tree holding just that file, with its digest', async () => {
    const source = await openSource(join(work, 'app'), options);
    try {
      expect(source.target).toMatchObject({ kind: 'file', path: join(work, 'app'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const seen: string[] = [];
      await source.tree.walk('/', (entry) => void seen.push(`${entry.path} ${entry.mode.toString(8)}`));
      expect(seen).toEqual(['/app 755']);
      const file = (await source.tree.lookup('/app'))!;
      expect((await source.tree.readHead(file, 4)).toString('latin1')).toBe('\x7fELF');
      expect(await source.tree.lookup('/other')).toBeUndefined();
    } finally {
      await source.close();
    }
  });

  it('reads ranges of the file, clipped to it and held to the file limit, through a link the user named', async () => {
    symlinkSync(join(work, 'app'), join(work, 'app-link'));
    const source = await openSource(join(work, 'app-link'), { ...options, limits: { ...defaultSourceLimits, maxFileBytes: 100 } });
    try {
      const file = (await source.tree.lookup('/app-link'))!;
      expect(file.size).toBe(71);
      expect((await source.tree.readRange(file, 1, 3)).toString('latin1')).toBe('ELF');
      expect((await source.tree.readRange(file, 68, 10)).length).toBe(3);
      expect((await source.tree.readRange(file, 71, 10)).length).toBe(0);
      await expect(source.tree.readRange(file, -1, 1)).rejects.toBeInstanceOf(RangeError);
    } finally {
      await source.close();
    }
    const small = await openSource(join(work, 'app'), { ...options, limits: { ...defaultSourceLimits, maxFileBytes: 10 } });
    try {
      const file = (await small.tree.lookup('/app'))!;
      await expect(small.tree.readRange(file, 0, 4)).rejects.toBeInstanceOf(FileTooLargeError);
      expect((await small.tree.readHead(file, 4)).toString('latin1')).toBe('\x7fELF');
    } finally {
      await small.close();
    }
  });

  it('reads a jar as one file, but a .zip as a function package', async () => {
    const jar = await openSource(join(work, 'lib.jar'), options);
    expect(jar.target.kind).toBe('file');
    await jar.close();
    const zip = await openSource(join(work, 'function.zip'), options);
    expect(zip.target.kind).toBe('zip');
    await zip.close();
  });

  it('refuses a file that is none of these', async () => {
    await expect(openSource(join(work, 'notes.txt'), options)).rejects.toMatchObject({ code: 'TARGET_UNRECOGNISED' });
  });
});
