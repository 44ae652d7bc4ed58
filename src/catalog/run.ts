/**
 * @module The catalog driver: finds each cataloger's files in a tree, runs its parser, and records
 * where every package was found and which image layer introduced it.
 */
import { posix } from 'node:path';
import type { Distro } from '../model/distro.js';
import type { LayerRef, Package, ParsedPackage } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { FileTooLargeError, type FileRef, type FileTree } from '../source/file-tree.js';
import { describeError } from '../errors.js';
import type { CatalogContext, CatalogFile, Cataloger } from './cataloger.js';
import { findFiles } from './patterns.js';
import { normalizeTreePath } from '../source/tree-path.js';

export interface CatalogResult {
  packages: Package[];
  warnings: Warning[];
}

export interface RunCatalogersOptions {
  distro?: Distro;
  /** Called as each file is about to be parsed (progress reporting). */
  onFile?: (cataloger: string, path: string) => void;
}

function catalogFile(tree: FileTree, file: FileRef): CatalogFile {
  let bytes: Promise<Buffer> | undefined;
  const read = () => (bytes ??= tree.readFile(file));
  return {
    path: file.realPath,
    size: file.size,
    read,
    text: async () => (await read()).toString('utf8'),
    localPath: () => tree.localPath(file),
    async open(path) {
      const absolute = path.startsWith('/') ? path : `${posix.dirname(file.realPath)}/${path}`;
      const other = await tree.lookup(normalizeTreePath(absolute));
      return other ? catalogFile(tree, other) : undefined;
    },
  };
}

interface FileOutcome {
  packages: ParsedPackage[];
  warnings: Warning[];
}

async function parseFile(tree: FileTree, cataloger: Cataloger, file: FileRef, distro: Distro | undefined): Promise<FileOutcome> {
  const warnings: Warning[] = [];
  const skipped: string[] = [];
  const ctx: CatalogContext = {
    ...(distro ? { distro } : {}),
    skip: (reason) => void skipped.push(reason),
    warn: (code, message) => void warnings.push({ code, message: `${cataloger.name}: ${message}`, path: file.realPath }),
  };
  let packages: ParsedPackage[] = [];
  try {
    packages = await cataloger.parse(catalogFile(tree, file), ctx);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      warnings.push({
        code: 'FILE_TOO_LARGE',
        message: `${cataloger.name}: skipped ${file.realPath}: ${error.message}`,
        path: file.realPath,
      });
    } else {
      warnings.push({
        code: 'CATALOGER_FAILED',
        message: `${cataloger.name}: could not read ${file.realPath}: ${describeError(error)}`,
        path: file.realPath,
      });
    }
  }
  if (skipped.length > 0) {
    warnings.push({
      code: 'MALFORMED_RECORD',
      message: `${cataloger.name}: skipped ${skipped.length} malformed record${skipped.length === 1 ? '' : 's'} in ${file.realPath} (first: ${skipped[0]})`,
      path: file.realPath,
      count: skipped.length,
    });
  }
  return { packages, warnings };
}

/**
 * For a file rewritten by several layers, the layer that introduced each package is the earliest
 * one from which the package (same purl: name, version, architecture) stays present in every
 * later version of the file.
 */
async function introducingLayers(
  tree: FileTree,
  cataloger: Cataloger,
  history: FileRef[],
  finalPackages: readonly ParsedPackage[],
  distro: Distro | undefined,
): Promise<Map<string, LayerRef | undefined>> {
  const present: Array<Set<string>> = [];
  for (const version of history.slice(0, -1)) {
    const outcome = await parseFile(tree, cataloger, version, distro);
    present.push(new Set(outcome.packages.map((p) => p.purl)));
  }
  present.push(new Set(finalPackages.map((p) => p.purl)));
  const layers = new Map<string, LayerRef | undefined>();
  const last = history.length - 1;
  for (const purl of present[last] ?? []) {
    let index = last;
    while (index > 0 && present[index - 1]!.has(purl)) index--;
    layers.set(purl, history[index]!.layer);
  }
  return layers;
}

export async function runCatalogers(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  options: RunCatalogersOptions = {},
): Promise<CatalogResult> {
  const byKey = new Map<string, Package>();
  const warnings: Warning[] = [];
  for (const cataloger of catalogers) {
    const seen = new Set<string>();
    for (const pattern of cataloger.patterns) {
      for (const file of await findFiles(tree, pattern)) {
        if (seen.has(file.realPath)) continue;
        seen.add(file.realPath);
        options.onFile?.(cataloger.name, file.realPath);
        const outcome = await parseFile(tree, cataloger, file, options.distro);
        warnings.push(...outcome.warnings);
        const history = await tree.versions(file);
        const layers = history.length > 1 ? await introducingLayers(tree, cataloger, history, outcome.packages, options.distro) : undefined;
        for (const { locationPath, ...parsed } of outcome.packages) {
          const layer = layers ? layers.get(parsed.purl) : file.layer;
          const location = { path: locationPath ?? file.realPath, ...(file.layer ? { layer: file.layer } : {}) };
          // The same package listed again (a second database, a lockfile and the installed copy
          // it describes) is one package with several locations.
          const existing = byKey.get(parsed.purl);
          if (existing) {
            if (!existing.locations.some((l) => l.path === location.path)) existing.locations.push(location);
            // A package some location needs at run time is not a development-only package.
            if (existing.development && !parsed.development) delete existing.development;
            continue;
          }
          byKey.set(parsed.purl, { ...parsed, locations: [location], ...(layer ? { layer } : {}), foundBy: cataloger.name });
        }
      }
    }
  }
  const packages = [...byKey.values()].sort((a, b) => compareText(a.purl, b.purl) || compareText(a.locations[0]!.path, b.locations[0]!.path));
  return { packages, warnings };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
