/**
 * @module The catalog driver: finds each cataloger's files in a tree, runs its parser, and records
 * where every package was found and which image layer introduced it.
 */
import { posix } from 'node:path';
import type { Distro } from '../model/distro.js';
import type { LayerRef, Package, ParsedPackage } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { checkByteRange, clippedLength, FileTooLargeError, type FileRef, type FileTree } from '../source/file-tree.js';
import { describeError } from '../errors.js';
import type { CatalogContext, CatalogFile, Cataloger } from './cataloger.js';
import { compilePatterns, findFiles } from './patterns.js';
import { normalizeTreePath } from '../source/tree-path.js';

export interface CatalogResult {
  packages: Package[];
  warnings: Warning[];
}

export interface RunCatalogersOptions {
  distro?: Distro;
  /** Folders searched for files that `**` patterns and content sniffing find (default: the whole tree). */
  walkRoots?: readonly string[];
  /** Walk into other mounted file systems too. */
  crossMounts?: boolean;
  /** Stop once this many packages are found (a warning says the inventory is incomplete). */
  maxPackages?: number;
  /** Stop at this time (ms since the epoch), likewise with a warning. */
  deadline?: number;
  /** Called as each file is about to be parsed (progress reporting). */
  onFile?: (cataloger: string, path: string) => void;
}

/** Ranges up to this size are kept once read, for the other catalogers handed the same file. */
const SHARED_RANGE_BYTES = 64 * 1024;
/** At most this much of one file is kept that way. */
const SHARED_RANGES_TOTAL = 1024 * 1024;

function catalogFile(tree: FileTree, file: FileRef): CatalogFile {
  let bytes: Promise<Buffer> | undefined;
  const read = () => (bytes ??= tree.readFile(file));
  // Both binary catalogers read an executable's header and tables: the second reads them here.
  const shared = new Map<string, Promise<Buffer>>();
  let sharedBytes = 0;
  return {
    path: file.realPath,
    size: file.size,
    read,
    readRange(offset, length, into) {
      if (bytes) {
        checkByteRange(file.realPath, offset, length);
        return bytes.then((whole) => whole.subarray(offset, offset + clippedLength(whole.length, offset, length)));
      }
      // A range read into the caller's buffer is the caller's alone: never kept for others.
      if (into || length > SHARED_RANGE_BYTES) return tree.readRange(file, offset, length, into);
      const key = `${offset}:${length}`;
      let range = shared.get(key);
      if (!range) {
        range = tree.readRange(file, offset, length);
        if (sharedBytes + length <= SHARED_RANGES_TOTAL) {
          sharedBytes += length;
          shared.set(key, range);
          range.catch(() => shared.delete(key));
        }
      }
      return range;
    },
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

async function parseFile(
  tree: FileTree,
  cataloger: Cataloger,
  file: FileRef,
  distro: Distro | undefined,
  input: CatalogFile = catalogFile(tree, file),
): Promise<FileOutcome> {
  const warnings: Warning[] = [];
  const skipped: string[] = [];
  const ctx: CatalogContext = {
    ...(distro ? { distro } : {}),
    skip: (reason) => void skipped.push(reason),
    warn: (code, message) => void warnings.push({ code, message: `${cataloger.name}: ${message}`, path: file.realPath }),
  };
  let packages: ParsedPackage[] = [];
  try {
    packages = await cataloger.parse(input, ctx);
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

/** Where catalogers' files were found: paths by cataloger, in the order they were met. */
interface FileCandidates {
  named: Map<Cataloger, string[]>;
  sniffed: Map<Cataloger, string[]>;
}

function isWalkPattern(pattern: string): boolean {
  return pattern.includes('**');
}

/** Drops roots that lie inside another root, so no directory is walked twice. */
function outermostRoots(roots: readonly string[]): string[] {
  const normalized = [...new Set(roots.map(normalizeTreePath))].sort();
  return normalized.filter((root) => !normalized.some((other) => other !== root && (other === '/' || root.startsWith(`${other}/`))));
}

/**
 * One walk for every cataloger: each file is tested against the union of all `**` patterns
 * first (most files match none), then against each cataloger's own; files no pattern names are
 * offered to the catalogers that recognise files by content.
 */
async function walkForCandidates(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  roots: readonly string[],
  options: RunCatalogersOptions,
): Promise<FileCandidates> {
  const named = new Map<Cataloger, string[]>();
  const sniffed = new Map<Cataloger, string[]>();
  const matchers = catalogers
    .map((cataloger) => ({ cataloger, match: compilePatterns(cataloger.patterns.filter(isWalkPattern)) }))
    .filter((m) => m.cataloger.patterns.some(isWalkPattern));
  const sniffers = catalogers.filter((c) => c.sniff);
  if (matchers.length === 0 && sniffers.length === 0) return { named, sniffed };
  const any = compilePatterns(catalogers.flatMap((c) => c.patterns.filter(isWalkPattern)));
  for (const root of outermostRoots(roots)) {
    await tree.walk(
      root,
      (entry) => {
        if (entry.kind !== 'file') return;
        let matched = false;
        if (any(entry.path)) {
          for (const { cataloger, match } of matchers) {
            if (!match(entry.path)) continue;
            matched = true;
            let list = named.get(cataloger);
            if (!list) named.set(cataloger, (list = []));
            list.push(entry.path);
          }
        }
        if (matched) return;
        for (const cataloger of sniffers) {
          if (!cataloger.sniff!.candidate(entry)) continue;
          let list = sniffed.get(cataloger);
          if (!list) sniffed.set(cataloger, (list = []));
          list.push(entry.path);
        }
      },
      options.crossMounts ? { crossMounts: true } : {},
    );
  }
  return { named, sniffed };
}

/** The files one cataloger reads, each once (by its path after links). */
async function filesFor(tree: FileTree, cataloger: Cataloger, candidates: FileCandidates): Promise<FileRef[]> {
  const files: FileRef[] = [];
  const seen = new Set<string>();
  const add = (file: FileRef | undefined) => {
    if (!file || seen.has(file.realPath)) return;
    seen.add(file.realPath);
    files.push(file);
  };
  for (const pattern of cataloger.patterns.filter((p) => !isWalkPattern(p))) {
    for (const file of await findFiles(tree, pattern)) add(file);
  }
  for (const path of candidates.named.get(cataloger) ?? []) add(await tree.lookup(path));
  const sniff = cataloger.sniff;
  if (sniff) {
    for (const path of candidates.sniffed.get(cataloger) ?? []) {
      const file = await tree.lookup(path);
      if (!file || seen.has(file.realPath)) continue;
      let header: Buffer;
      try {
        header = await tree.readHead(file, sniff.headerBytes);
      } catch {
        continue; // unreadable: it cannot be recognised, and it is no package file by name
      }
      if (sniff.test(header, file.realPath)) add(file);
    }
  }
  // Walk order depends on the file system; the output must not.
  return files.sort((a, b) => compareText(a.realPath, b.realPath));
}

export async function runCatalogers(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  options: RunCatalogersOptions = {},
): Promise<CatalogResult> {
  const byKey = new Map<string, Package>();
  const warnings: Warning[] = [];
  const candidates = await walkForCandidates(tree, catalogers, options.walkRoots ?? ['/'], options);
  // What each location says of a package: development only (true), needed at run time (false),
  // or not known (an installed copy cannot tell). Dev only when some location says so and none
  // says otherwise.
  const developmentVotes = new Map<string, { dev: boolean; runtime: boolean }>();
  const noteDevelopment = (purl: string, development: boolean | undefined) => {
    if (development === undefined) return;
    const votes = developmentVotes.get(purl) ?? { dev: false, runtime: false };
    if (development) votes.dev = true;
    else votes.runtime = true;
    developmentVotes.set(purl, votes);
  };
  let stopped: Warning | undefined;
  const limitReached = (): Warning | undefined => {
    if (options.maxPackages !== undefined && byKey.size >= options.maxPackages) {
      return {
        code: 'PACKAGE_LIMIT',
        message: `stopped at the limit of ${options.maxPackages} packages: the inventory is incomplete`,
        count: options.maxPackages,
      };
    }
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      return { code: 'TIME_LIMIT', message: 'stopped at the time limit: the inventory is incomplete' };
    }
    return undefined;
  };
  const parse = (cataloger: Cataloger, file: FileRef, input: CatalogFile): Promise<FileOutcome> => {
    options.onFile?.(cataloger.name, file.realPath);
    return parseFile(tree, cataloger, file, options.distro, input);
  };
  const record = async (cataloger: Cataloger, file: FileRef, outcome: FileOutcome): Promise<void> => {
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
        noteDevelopment(parsed.purl, parsed.development);
        continue;
      }
      if (options.maxPackages !== undefined && byKey.size >= options.maxPackages) {
        stopped ??= limitReached();
        continue;
      }
      const { development, ...rest } = parsed;
      noteDevelopment(parsed.purl, development);
      byKey.set(parsed.purl, { ...rest, locations: [location], ...(layer ? { layer } : {}), foundBy: cataloger.name });
    }
  };
  // Catalogers that read files by name run in registry order, which decides who finds a package
  // first (a jar's cataloger before the POM's, so the jar's SHA-1 is kept). Each file's packages
  // are recorded in file order, but the next file is parsed meanwhile: a parser waiting on work
  // off the main thread (a jar hashed on a worker) then overlaps the next file's reading.
  const byName = catalogers.filter((c) => !c.sniff);
  named: for (const cataloger of byName) {
    const files = await filesFor(tree, cataloger, candidates);
    let ahead: Promise<FileOutcome> | undefined;
    for (let i = 0; i < files.length; i++) {
      if (stopped || (stopped = limitReached())) {
        await ahead; // nothing is left running behind the inventory
        break named;
      }
      const outcome = ahead ?? parse(cataloger, files[i]!, catalogFile(tree, files[i]!));
      const next = files[i + 1];
      ahead = next ? parse(cataloger, next, catalogFile(tree, next)) : undefined;
      await record(cataloger, files[i]!, await outcome);
    }
  }
  // Catalogers that recognise files by content run in file order: an executable both binary
  // catalogers recognise is handed to each as one CatalogFile, so the ranges they both read (its
  // header and tables) are read once, and let go before the next file is opened.
  const byContent = new Map<string, { file: FileRef; readers: Cataloger[] }>();
  for (const cataloger of catalogers.filter((c) => c.sniff)) {
    for (const file of await filesFor(tree, cataloger, candidates)) {
      const item = byContent.get(file.realPath);
      if (item) item.readers.push(cataloger);
      else byContent.set(file.realPath, { file, readers: [cataloger] });
    }
  }
  content: for (const { file, readers } of [...byContent.values()].sort((a, b) => compareText(a.file.realPath, b.file.realPath))) {
    const input = catalogFile(tree, file);
    for (const cataloger of readers) {
      if (stopped || (stopped = limitReached())) break content;
      await record(cataloger, file, await parse(cataloger, file, input));
    }
  }
  if (stopped) warnings.push(stopped);
  for (const [purl, votes] of developmentVotes) {
    const pkg = byKey.get(purl);
    if (pkg && votes.dev && !votes.runtime) pkg.development = true;
  }
  const packages = [...byKey.values()].sort((a, b) => compareText(a.purl, b.purl) || compareText(a.locations[0]!.path, b.locations[0]!.path));
  return { packages, warnings };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
