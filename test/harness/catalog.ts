/**
 * Test harness for catalogers: run them over a fixture shaped like a root filesystem and compare
 * with expected lines, as in
 *   await catalogTester().fromDirectory('dpkg/multiple').expectsPackages([...])
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { detectDistro } from '../../src/catalog/os-release/index.js';
import { patternToRegex } from '../../src/catalog/patterns.js';
import { bufferBytes } from '../../src/catalog/random-access-bytes.js';
import { runCatalogers, type CatalogResult } from '../../src/catalog/run.js';
import { DirectoryTree } from '../../src/source/directory.js';
import { defaultSourceLimits } from '../../src/source/file-tree.js';
import type { FileTree } from '../../src/source/file-tree.js';

export const fixturesRoot = fileURLToPath(new URL('../fixtures/catalog/', import.meta.url));

/** "name@version purl" — one line per package, the form expectations are written in. */
export function packageLine(p: { name: string; version: string; purl: string }): string {
  return `${p.name}@${p.version} ${p.purl}`;
}

class CatalogTester {
  private root?: string;
  private catalogers?: readonly Cataloger[];

  fromDirectory(fixture: string): this {
    this.root = fixture.startsWith('/') ? fixture : `${fixturesRoot}${fixture}`;
    return this;
  }

  withCatalogers(...catalogers: Cataloger[]): this {
    this.catalogers = catalogers;
    return this;
  }

  async run(): Promise<CatalogResult & { tree: FileTree; pathsRead: string[] }> {
    if (!this.root) throw new Error('catalogTester: call fromDirectory first');
    const tree = await DirectoryTree.open(this.root, defaultSourceLimits);
    const distro = await detectDistro(tree);
    const pathsRead: string[] = [];
    // Every registered cataloger unless the test names some.
    const catalogers = this.catalogers ?? (await import('../../src/catalog/index.js')).catalogers;
    const result = await runCatalogers(tree, catalogers, {
      ...(distro ? { distro } : {}),
      onFile: (_cataloger, path) => pathsRead.push(path),
    });
    return { ...result, tree, pathsRead };
  }

  async expectsPackages(expected: string[]): Promise<CatalogResult> {
    const result = await this.run();
    expect(result.packages.map(packageLine).sort()).toEqual([...expected].sort());
    return result;
  }

  async expectsPathsRead(expected: string[]): Promise<void> {
    const result = await this.run();
    expect(result.pathsRead.sort()).toEqual([...expected].sort());
  }
}

export function catalogTester(): CatalogTester {
  return new CatalogTester();
}

/** A CatalogContext that records what a parser reports. */
export function recordingContext(distro?: import('../../src/model/distro.js').Distro) {
  const skipped: string[] = [];
  const warnings: Array<{ code: string; message: string }> = [];
  const ctx: import('../../src/catalog/cataloger.js').CatalogContext = {
    ...(distro ? { distro } : {}),
    skip: (reason) => void skipped.push(reason),
    warn: (code, message) => void warnings.push({ code, message }),
  };
  return { ctx, skipped, warnings };
}

/**
 * A CatalogFile over bytes in memory; `others` are the files `open()` can reach, by absolute
 * path, for formats that include their neighbours.
 */
export function memoryFile(
  path: string,
  content: string | Buffer,
  others: Record<string, string | Buffer> = {},
): import('../../src/catalog/cataloger.js').CatalogFile {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    path,
    size: bytes.length,
    read: async () => bytes,
    readRange: bufferBytes(bytes).readRange,
    text: async () => bytes.toString('utf8'),
    localPath: async () => {
      throw new Error(`memoryFile(${path}) has no local path`);
    },
    async open(other) {
      const { posix } = await import('node:path');
      const absolute = posix.normalize(other.startsWith('/') ? other : `${posix.dirname(path)}/${other}`);
      if (absolute === path) return memoryFile(path, bytes, others);
      const found = others[absolute];
      return found === undefined ? undefined : memoryFile(absolute, found, others);
    },
    async find(pattern) {
      const { posix } = await import('node:path');
      const names = patternToRegex(pattern.startsWith('/') ? pattern : `${posix.dirname(path)}/${pattern}`);
      return Object.keys({ ...others, [path]: bytes })
        .filter((other) => names.test(other))
        .sort()
        .map((other) => memoryFile(other, other === path ? bytes : others[other]!, others));
    },
  };
}

/**
 * Bytes in memory read by ranges, counting what is read: to check that a parser reads only the
 * parts of a file it needs, and never asks for more than the file holds.
 */
export function countingBytes(bytes: Buffer) {
  const reads: Array<{ offset: number; length: number }> = [];
  const inner = bufferBytes(bytes);
  return {
    size: bytes.length,
    reads,
    /** Bytes handed out, over all reads. */
    get bytesRead(): number {
      return reads.reduce((sum, read) => sum + Math.max(0, Math.min(read.length, bytes.length - read.offset)), 0);
    },
    /** The longest single read asked for. */
    get largestRead(): number {
      return reads.reduce((max, read) => Math.max(max, read.length), 0);
    },
    readRange(offset: number, length: number, into?: Buffer) {
      reads.push({ offset, length });
      return inner.readRange(offset, length, into);
    },
  };
}
