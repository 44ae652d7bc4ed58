/**
 * @module The walking worker: walks a directory target on a thread of its own and sends the
 * catalog driver each candidate file as it is met (a named file with its size; a content
 * candidate with its size and whether its first bytes were recognised), so the driver parses
 * what has been found while the walk goes on. It loads only the walk's own modules and the
 * sniffs, by the name of a registered cataloger using each (registry names equal folder names).
 */
import { realpathSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DirectoryTree } from '../source/directory.js';
import { PrelistedDirectories } from '../source/prelisted-directories.js';
import type { FileRef, SourceLimits } from '../source/file-tree.js';
import type { Distro } from '../model/distro.js';
import type { Cataloger } from './cataloger.js';
import { catalogFile, parseFile, type FileOutcome } from './parse-file.js';
import { outermostRoots, walkCandidates, type Sniff } from './walk-candidates.js';

export interface WalkWorkerData {
  /** The directory target's root on the host, and its limits. */
  root: string;
  limits: SourceLimits;
  roots: string[];
  crossMounts: boolean;
  /** Each cataloger's `**` patterns, by the index the driver knows it under. */
  patternSets: string[][];
  /**
   * For each sniff, the registered catalogers that use it, in the driver's order: a file they
   * recognise is parsed here too, once the walk is done, since their modules are loaded anyway.
   */
  sniffers: string[][];
  /** The context every parser gets. */
  distro?: Distro;
}

/**
 * Sent first to a worker started before its plan was known (walk-worker-start.ts): the target
 * as the user named it and the folders the walk will most likely cover, listed until the plan
 * comes.
 */
export interface PrelistRequest {
  prelist: { target: string; roots: string[] };
}

export type WalkWorkerRequest = PrelistRequest | WalkWorkerData;

/**
 * [pattern set, path, size]: a named file, size -1 when the walk could not tell it is still a
 * regular file (the driver looks it up). [sniff, path, size, recognised]: a content candidate,
 * recognised 1 or 0, or size -1 when the driver is to look it up and test it itself.
 */
export type NamedFound = [number, string, number];
export type SniffedFound = [number, string, number, 0 | 1];
/** [sniff, path, outcomes]: what each of a sniff's catalogers found in a file it recognised. */
export type ParsedFound = [number, string, FileOutcome[]];

export type WalkWorkerMessage =
  | { named: NamedFound[]; sniffed: SniffedFound[]; parsed: ParsedFound[] }
  | { done: true }
  | { error: string };

/** Candidates sent at once: few messages, yet the driver hears of the first files early. */
const BATCH = 64;

async function loadCataloger(name: string): Promise<Cataloger> {
  const module = (await import(new URL(`./${name}/index.js`, import.meta.url).href)) as Record<string, unknown>;
  const cataloger = Object.values(module).find(
    (value): value is Cataloger => typeof value === 'object' && value !== null && (value as Cataloger).name === name,
  );
  if (!cataloger?.sniff) throw new Error(`no cataloger named ${name} with a sniff`);
  return cataloger;
}

async function walk(port: MessagePort, data: WalkWorkerData, prelisted?: PrelistedDirectories): Promise<void> {
  const [tree, readers] = await Promise.all([
    DirectoryTree.open(data.root, data.limits, prelisted),
    Promise.all(data.sniffers.map((names) => Promise.all(names.map(loadCataloger)))),
  ]);
  const sniffs = readers.map((group) => group[0]!.sniff!);
  const recognisedFiles: Array<[number, FileRef]> = [];
  let named: NamedFound[] = [];
  let sniffed: SniffedFound[] = [];
  let parsed: ParsedFound[] = [];
  const flush = () => {
    if (named.length + sniffed.length + parsed.length === 0) return;
    port.postMessage({ named, sniffed, parsed } satisfies WalkWorkerMessage);
    named = [];
    sniffed = [];
    parsed = [];
  };
  const found = () => {
    if (named.length + sniffed.length + parsed.length >= BATCH) flush();
  };
  try {
    await walkCandidates(tree, data.roots, data.patternSets, sniffs, data.crossMounts, {
      named(index, entry) {
        const file = entry.fileRef?.();
        named.push([index, entry.path, file ? file.size : -1]);
        found();
      },
      sniffed(index, entry) {
        const file = entry.fileRef?.();
        let recognised: 0 | 1 = 0;
        if (file) {
          const sniff = sniffs[index]!;
          try {
            if (sniff.test(tree.readHeadSync(file, sniff.headerBytes), file.realPath)) {
              recognised = 1;
              recognisedFiles.push([index, file]);
            }
          } catch {
            // unreadable: it cannot be recognised, as on the main thread
          }
        }
        sniffed.push([index, entry.path, file ? file.size : -1, recognised]);
        found();
      },
    });
    flush();
    // The files the sniffs recognised, parsed one after another (the walk is synchronous, so
    // not while it runs), each with all its catalogers sharing one CatalogFile, as the driver would.
    for (const [index, file] of recognisedFiles) {
      const input = catalogFile(tree, file);
      const outcomes: FileOutcome[] = [];
      for (const cataloger of readers[index]!) outcomes.push(await parseFile(tree, cataloger, file, data.distro, input));
      parsed.push([index, file.path, outcomes]);
      found();
    }
  } finally {
    await tree.close();
  }
  flush();
}

function nextMessage(port: MessagePort): Promise<WalkWorkerRequest> {
  return new Promise((resolve) => port.once('message', resolve));
}

/** The host folders a prelist request names: its roots under the target's real path. */
function prelistFolders({ target, roots }: PrelistRequest['prelist']): string[] {
  let root: string;
  try {
    root = realpathSync(target);
  } catch {
    return []; // the plan's own opening of the target reports the problem
  }
  return outermostRoots(roots).map((path) => (root === '/' ? path : path === '/' ? root : root + path));
}

/**
 * Walks by the plan, which comes as the first message, or after a prelist request: then the
 * folders it names are listed until the plan arrives (looked for between folders, without
 * leaving the synchronous listing).
 */
async function serve(port: MessagePort): Promise<void> {
  const first = await nextMessage(port);
  if (!('prelist' in first)) return walk(port, first);
  const prelisted = new PrelistedDirectories();
  let plan: WalkWorkerData | undefined;
  prelisted.fill(prelistFolders(first.prelist), () => {
    plan = receiveMessageOnPort(port)?.message as WalkWorkerData | undefined;
    return plan !== undefined;
  });
  plan ??= (await nextMessage(port)) as WalkWorkerData;
  return walk(port, plan, prelisted);
}

if (parentPort) {
  const port = parentPort;
  serve(port).then(
    () => port.postMessage({ done: true } satisfies WalkWorkerMessage),
    (error: unknown) => port.postMessage({ error: String((error as Error)?.message ?? error) } satisfies WalkWorkerMessage),
  );
}
