import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, packTar } from '../../../test/harness/image-builder.js';
import { VigilError } from '../../errors.js';
import { indexTarFile, openTarMember, parsePaxRecords, resolveTarMember } from './tar-index.js';

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-tar-index-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function contents(path: string, name: string): Promise<string> {
  const members = await indexTarFile(path);
  const member = resolveTarMember(members, name);
  if (!member) return '<missing>';
  const chunks: Buffer[] = [];
  for await (const chunk of openTarMember(path, member)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const longName = `${'deep/'.repeat(30)}${'n'.repeat(120)}.txt`;

describe('indexTarFile', () => {
  it('indexes ustar members with prefixes and pax long names (tar-stream)', async () => {
    const path = join(base, 'pax.tar');
    writeFileSync(
      path,
      await packTar([
        { header: { name: './manifest.json', type: 'file', size: 2 }, data: Buffer.from('[]') },
        { header: { name: `${'p/'.repeat(60)}file`, type: 'file', size: 3 }, data: Buffer.from('abc') },
        { header: { name: longName, type: 'file', size: 4 }, data: Buffer.from('long') },
        { header: { name: 'empty', type: 'file', size: 0 } },
      ]),
    );
    const members = await indexTarFile(path);
    expect([...members.keys()]).toEqual(['manifest.json', `${'p/'.repeat(60)}file`, longName, 'empty']);
    expect(await contents(path, longName)).toBe('long');
    expect(await contents(path, './manifest.json')).toBe('[]');
    expect(await contents(path, 'empty')).toBe('');
  });

  it.runIf(hasCommand('tar'))('reads GNU long names and pax headers written by GNU tar, and follows links', async () => {
    const tree = join(base, 'tree');
    mkdirSync(join(tree, ...longName.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(tree, longName), 'gnu long');
    mkdirSync(join(tree, 'a'));
    writeFileSync(join(tree, 'a/layer.tar'), 'layer bytes');
    mkdirSync(join(tree, 'b'));
    symlinkSync('../a/layer.tar', join(tree, 'b/layer.tar'));
    for (const format of ['gnu', 'pax']) {
      const path = join(base, `${format}.tar`);
      expect(spawnSync('tar', [`--format=${format}`, '-cf', path, '-C', tree, '.']).status).toBe(0);
      expect(await contents(path, longName)).toBe('gnu long');
      expect(await contents(path, 'b/layer.tar')).toBe('layer bytes');
      const members = await indexTarFile(path);
      expect(members.get('b/layer.tar')).toMatchObject({ kind: 'symlink', linkName: '../a/layer.tar' });
    }
  });

  it('rejects damage as TARGET_CORRUPT', async () => {
    const good = await packTar([{ header: { name: 'a', type: 'file', size: 2000 }, data: Buffer.alloc(2000) }]);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated data', good.subarray(0, 1024), /truncated inside the member a/],
      ['truncated header', good.subarray(0, 100), /truncated inside the header/],
      ['bad checksum', Buffer.concat([Buffer.from('x'), good.subarray(1)]), /bad checksum/],
      ['empty', Buffer.alloc(0), /empty/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(base, `${name}.tar`);
      writeFileSync(path, bytes);
      await expect(indexTarFile(path)).rejects.toSatisfy((error: unknown) => error instanceof VigilError && error.code === 'TARGET_CORRUPT' && message.test(error.message));
    }
  });

  it('parses pax records', () => {
    const record = (key: string, value: string) => {
      const body = ` ${key}=${value}\n`;
      let length = body.length + 1;
      while (`${length}${body}`.length !== length) length++;
      return `${length}${body}`;
    };
    expect(parsePaxRecords(Buffer.from(record('path', 'a/b c') + record('size', '12')))).toEqual(
      new Map([
        ['path', 'a/b c'],
        ['size', '12'],
      ]),
    );
  });
});
