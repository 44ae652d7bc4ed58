/**
 * Test harness for catalogers: run them over a fixture shaped like a root filesystem and compare
 * with expected lines, as in
 *   await catalogTester().fromDirectory('dpkg/multiple').expectsPackages([...])
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { detectDistro } from '../../src/catalog/os-release/index.js';
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
