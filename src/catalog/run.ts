/**
 * @module The catalog driver: finds each cataloger's files in a tree, runs its parser, and records
 * where every package was found and which image layer introduced it.
 */
import type { Distro } from '../model/distro.js';
import type { LayerRef, Package, ParsedPackage } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import type { Worker } from 'node:worker_threads';
import { DirectoryTree } from '../source/directory.js';
import type { FileRef, FileTree, WalkEntry } from '../source/file-tree.js';
import type { CatalogFile, Cataloger } from './cataloger.js';
import { catalogFile, parseFile, type FileOutcome } from './parse-file.js';
import { findFiles } from './patterns.js';
import { isWalkPattern, walkCandidates, type Sniff } from './walk-candidates.js';
import type { WalkWorkerData, WalkWorkerMessage } from './walk-worker.js';
import { takeWalkWorker } from './walk-worker-start.js';

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
  /**
   * Walk a directory target on a worker thread, parsing the files found meanwhile (default true;
   * false walks first, then parses, all on this thread).
   */
  walkOnWorker?: boolean;
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

/**
 * A file the walk met: its path, or what the walk knows of it (its FileRef, so no lookup is
 * needed; for a content candidate, whether the walking worker recognised its first bytes).
 */
type Candidate = string | { readonly path: string; fileRef?(): FileRef | undefined; readonly recognised?: boolean };

/** Where catalogers' files were found, in the order they were met. */
interface FileCandidates {
  /** By cataloger: files a `**` pattern names. */
  named: Map<Cataloger, Candidate[]>;
  /** By sniff (catalogers may share one): files offered to it by path, mode and size. */
  sniffed: Map<Sniff, Candidate[]>;
  /** By sniff: the files whose header it recognised, found once for every cataloger sharing it. */
  recognised: Map<Sniff, Promise<FileRef[]>>;
}

function candidateOf(entry: WalkEntry): Candidate {
  return entry.fileRef ? entry : entry.path;
}

/** The file a candidate stands for, as lookup finds it; undefined when it is gone. */
async function lookupCandidate(tree: FileTree, candidate: Candidate): Promise<FileRef | undefined> {
  if (typeof candidate === 'string') return tree.lookup(candidate);
  return candidate.fileRef?.() ?? tree.lookup(candidate.path);
}

/**
 * Parses files as the walk finds them, while it goes on (a walk on a worker thread leaves this
 * thread free): two at a time, in the order found, so one waiting on a read off the thread
 * overlaps the next. The driver takes the outcomes in its own order.
 */
class Prefetch {
  /** By cataloger, then real path; undefined when the parse was dropped (the driver then parses). */
  readonly outcomes = new Map<Cataloger, Map<string, Promise<FileOutcome | undefined>>>();
  private readonly queue: Array<() => Promise<void>> = [];
  private head = 0;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly tree: FileTree,
    private readonly distro: Distro | undefined,
  ) {}

  /** Parses `file` with each of `readers` in turn, sharing one CatalogFile (for a sniff's catalogers). */
  add(readers: readonly Cataloger[], file: FileRef): void {
    if (this.stopped || readers.every((c) => this.outcomes.get(c)?.has(file.realPath))) return;
    const job = new Promise<FileOutcome[] | undefined>((resolve) => {
      this.queue.push(async () => {
        if (this.stopped) return resolve(undefined);
        const input = catalogFile(this.tree, file);
        const outcomes: FileOutcome[] = [];
        for (const cataloger of readers) outcomes.push(await parseFile(this.tree, cataloger, file, this.distro, input));
        resolve(outcomes);
      });
    });
    readers.forEach((cataloger, i) => {
      let byPath = this.outcomes.get(cataloger);
      if (!byPath) this.outcomes.set(cataloger, (byPath = new Map()));
      byPath.set(file.realPath, job.then((outcomes) => outcomes?.[i]));
    });
    this.pump();
  }

  /** The outcome of `cataloger` for the file at `realPath`, handed out once. */
  take(cataloger: Cataloger, realPath: string): Promise<FileOutcome | undefined> | undefined {
    const byPath = this.outcomes.get(cataloger);
    const outcome = byPath?.get(realPath);
    byPath?.delete(realPath);
    return outcome;
  }

  /**
   * Outcomes parsed elsewhere (by the walking worker) for `file`: `settle` hands them over, or
   * undefined to leave the file to this thread's parser.
   */
  expect(readers: readonly Cataloger[], file: FileRef): (outcomes: FileOutcome[] | undefined) => void {
    let settle!: (outcomes: FileOutcome[] | undefined) => void;
    const job = new Promise<FileOutcome[] | undefined>((resolve) => (settle = resolve));
    readers.forEach((cataloger, i) => {
      let byPath = this.outcomes.get(cataloger);
      if (!byPath) this.outcomes.set(cataloger, (byPath = new Map()));
      if (!byPath.has(file.realPath)) byPath.set(file.realPath, job.then((outcomes) => outcomes?.[i]));
    });
    return settle;
  }

  private pump(): void {
    while (this.running.size < 2 && this.head < this.queue.length) {
      const task = this.queue[this.head]!;
      this.queue[this.head++] = noTask;
      const running: Promise<void> = task().finally(() => {
        this.running.delete(running);
        this.pump();
      });
      this.running.add(running);
    }
  }

  /** Drops what has not started and waits for what has: nothing is left running behind the inventory. */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.head < this.queue.length) void this.queue[this.head++]!();
    while (this.running.size > 0) await Promise.all(this.running);
  }
}

async function noTask(): Promise<void> {}

/**
 * One walk for every cataloger (see walk-candidates.ts). On a directory target it runs on a
 * worker thread when it can, and each file found is handed to `prefetch` as it comes.
 */
async function walkForCandidates(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  roots: readonly string[],
  options: RunCatalogersOptions,
  prefetch: Prefetch | undefined,
): Promise<FileCandidates> {
  const candidates: FileCandidates = { named: new Map(), sniffed: new Map(), recognised: new Map() };
  const walkers = catalogers.filter((c) => c.patterns.some(isWalkPattern));
  const sniffs = [...new Set(catalogers.flatMap((c) => (c.sniff ? [c.sniff] : [])))];
  if (walkers.length === 0 && sniffs.length === 0) return candidates;
  const patternSets = walkers.map((c) => c.patterns.filter(isWalkPattern));
  const readers = sniffs.map((sniff) => catalogers.filter((c) => c.sniff === sniff));
  const push = <K>(map: Map<K, Candidate[]>, key: K, candidate: Candidate) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(candidate);
  };
  if (prefetch && options.walkOnWorker !== false) {
    // Outcomes of files the walk parses, by path: each settles when it arrives, or undefined once
    // the walk ends without it.
    const parsed = sniffs.map(() => new Map<string, (outcomes: FileOutcome[] | undefined) => void>());
    const walked = await walkOnWorker(tree, roots, patternSets, readers, options.distro, options.crossMounts ?? false, {
      started() {
        // The files named by plain paths (package databases) are parsed while the walk starts.
        void prefetchPlainPaths(tree, catalogers, prefetch);
      },
      named(index, path, size) {
        const file = size < 0 ? undefined : { path, realPath: path, size };
        push(candidates.named, walkers[index]!, file ? { path, fileRef: () => file } : path);
        if (file) prefetch.add([walkers[index]!], file);
      },
      sniffed(index, path, size, recognised) {
        const file = size < 0 ? undefined : { path, realPath: path, size };
        push(candidates.sniffed, sniffs[index]!, file ? { path, fileRef: () => file, recognised } : path);
        if (file && recognised && !parsed[index]!.has(path)) parsed[index]!.set(path, prefetch.expect(readers[index]!, file));
      },
      parsed(index, path, outcomes) {
        parsed[index]!.get(path)?.(outcomes);
        parsed[index]!.delete(path);
      },
    });
    for (const settle of parsed.flatMap((byPath) => [...byPath.values()])) settle(undefined);
    if (walked) return candidates;
    // The worker could not walk (or failed part way): walk here, from the start.
    candidates.named.clear();
    candidates.sniffed.clear();
  }
  await walkCandidates(tree, roots, patternSets, sniffs, options.crossMounts ?? false, {
    named: (index, entry) => push(candidates.named, walkers[index]!, candidateOf(entry)),
    sniffed: (index, entry) => push(candidates.sniffed, sniffs[index]!, candidateOf(entry)),
  });
  return candidates;
}

/** Hands `prefetch` the files catalogers name by paths without `**`, in registry order. */
async function prefetchPlainPaths(tree: FileTree, catalogers: readonly Cataloger[], prefetch: Prefetch): Promise<void> {
  for (const cataloger of catalogers) {
    for (const pattern of cataloger.patterns.filter((p) => !isWalkPattern(p))) {
      for (const file of await findFiles(tree, pattern).catch(() => [])) prefetch.add([cataloger], file);
    }
  }
}

interface FoundSink {
  /** The worker has started: this thread waits for what it finds from now on. */
  started(): void;
  named(index: number, path: string, size: number): void;
  parsed(index: number, path: string, outcomes: FileOutcome[]): void;
  sniffed(index: number, path: string, size: number, recognised: boolean): void;
}

/**
 * Runs the walk on a worker thread, passing what it finds to `sink` as it arrives (and, once the
 * walk is done, what the sniffs' catalogers found in the files they recognised). False when it
 * cannot (not a directory target, sources not built to JavaScript, a sniff's cataloger that is
 * not the registered one) or the worker failed.
 */
async function walkOnWorker(
  tree: FileTree,
  roots: readonly string[],
  patternSets: string[][],
  readers: readonly (readonly Cataloger[])[],
  distro: Distro | undefined,
  crossMounts: boolean,
  sink: FoundSink,
): Promise<boolean> {
  if (!(tree instanceof DirectoryTree) || !import.meta.url.endsWith('.js')) return false;
  const { catalogers: registered } = await import('./index.js');
  // The worker loads a sniff's catalogers by name: each must be the registered one.
  const sniffers: string[][] = [];
  for (const group of readers) {
    if (!group.every((c) => registered.includes(c))) return false;
    sniffers.push(group.map((c) => c.name));
  }
  const data: WalkWorkerData = { root: tree.root, limits: tree.limits, roots: [...roots], crossMounts, patternSets, sniffers, ...(distro ? { distro } : {}) };
  let worker: Worker;
  try {
    worker = takeWalkWorker();
    worker.postMessage(data);
  } catch {
    return false;
  }
  sink.started();
  return new Promise<boolean>((resolve) => {
    const finish = (walked: boolean) => {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
      resolve(walked);
    };
    worker.on('message', (message: WalkWorkerMessage) => {
      if ('done' in message) return finish(true);
      if ('error' in message) return finish(false);
      for (const [index, path, size] of message.named) sink.named(index, path, size);
      for (const [index, path, size, recognised] of message.sniffed) sink.sniffed(index, path, size, recognised === 1);
      for (const [index, path, outcomes] of message.parsed) sink.parsed(index, path, outcomes);
    });
    worker.on('error', () => finish(false));
    worker.on('exit', () => finish(false));
  });
}

/** The files a sniff recognises by their first bytes, each once (by its path after links). */
async function recognisedFiles(
  tree: FileTree,
  sniff: Sniff,
  candidates: readonly Candidate[],
): Promise<FileRef[]> {
  const files: FileRef[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const file = await lookupCandidate(tree, candidate);
    if (!file || seen.has(file.realPath)) continue;
    seen.add(file.realPath);
    // The walking worker tested it already (the same test on the same bytes).
    const answer = typeof candidate === 'string' ? undefined : candidate.recognised;
    if (answer !== undefined) {
      if (answer) files.push(file);
      continue;
    }
    let header: Buffer;
    try {
      header = await tree.readHead(file, sniff.headerBytes);
    } catch {
      continue; // unreadable: it cannot be recognised, and it is no package file by name
    }
    if (sniff.test(header, file.realPath)) files.push(file);
  }
  return files;
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
  for (const candidate of candidates.named.get(cataloger) ?? []) add(await lookupCandidate(tree, candidate));
  const sniff = cataloger.sniff;
  if (sniff) {
    let recognised = candidates.recognised.get(sniff);
    if (!recognised) candidates.recognised.set(sniff, (recognised = recognisedFiles(tree, sniff, candidates.sniffed.get(sniff) ?? [])));
    for (const file of await recognised) add(file);
  }
  // Walk order depends on the file system; the output must not.
  return files.sort((a, b) => compareText(a.realPath, b.realPath));
}

export async function runCatalogers(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  options: RunCatalogersOptions = {},
): Promise<CatalogResult> {
  // Files a walk finds are parsed as they come when the walk runs on a worker thread.
  const prefetch = new Prefetch(tree, options.distro);
  try {
    return await catalog(tree, catalogers, options, prefetch);
  } finally {
    await prefetch.stop();
  }
}

async function catalog(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  options: RunCatalogersOptions,
  prefetch: Prefetch,
): Promise<CatalogResult> {
  const byKey = new Map<string, Package>();
  const warnings: Warning[] = [];
  const candidates = await walkForCandidates(tree, catalogers, options.walkRoots ?? ['/'], options, prefetch);
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
    const local = () => parseFile(tree, cataloger, file, options.distro, input);
    // Parsed already while the walk went on, unless that parse was dropped. Taken once: the
    // outcome is let go as soon as it is recorded.
    const prefetched = prefetch.take(cataloger, file.realPath);
    return prefetched ? prefetched.then((outcome) => outcome ?? local()) : local();
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
  // are recorded in file order, but the next file is parsed meanwhile: a parser waiting on a read
  // off the main thread then overlaps the next file's reading.
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
