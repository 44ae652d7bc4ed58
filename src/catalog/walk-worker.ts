/**
 * @module The walking worker: walks a directory target on a thread of its own and sends the
 * catalog driver each candidate file as it is met (a named file with its size; a content
 * candidate with its size and whether its first bytes were recognised), so the driver parses
 * what has been found while the walk goes on. It loads only the walk's own modules and the
 * sniffs, by the name of a registered cataloger using each (registry names equal folder names).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DirectoryTree } from '../source/directory.js';
import type { FileRef, SourceLimits } from '../source/file-tree.js';
import { digestHostFile } from '../source/host-file.js';
import type { Cataloger, FileDigest } from './cataloger.js';
import { walkCandidates, type Sniff } from './walk-candidates.js';

export interface WalkWorkerData {
  /** The directory target's root on the host, and its limits. */
  root: string;
  limits: SourceLimits;
  roots: string[];
  crossMounts: boolean;
  /** Each cataloger's `**` patterns, by the index the driver knows it under. */
  patternSets: string[][];
  /** For each sniff, a registered cataloger that uses it. */
  sniffers: string[];
  /** By pattern set: the digest of each whole file its cataloger reports, computed here. */
  digests: Array<FileDigest | null>;
}

/**
 * [pattern set, path, size]: a named file, size -1 when the walk could not tell it is still a
 * regular file (the driver looks it up). [sniff, path, size, recognised]: a content candidate,
 * recognised 1 or 0, or size -1 when the driver is to look it up and test it itself.
 */
export type NamedFound = [number, string, number];
export type SniffedFound = [number, string, number, 0 | 1];
/** [path, digest]: the digest of a named file, sent after the file itself (the driver starts reading it meanwhile). */
export type DigestFound = [string, string];

export type WalkWorkerMessage = { named: NamedFound[]; sniffed: SniffedFound[]; digests: DigestFound[] } | { done: true } | { error: string };

/** Candidates sent at once: few messages, yet the driver hears of the first files early. */
const BATCH = 64;
/** Bytes hashed per read. */
const HASH_CHUNK_BYTES = 1024 * 1024;

async function loadSniff(name: string): Promise<Sniff> {
  const module = (await import(new URL(`./${name}/index.js`, import.meta.url).href)) as Record<string, unknown>;
  const cataloger = Object.values(module).find(
    (value): value is Cataloger => typeof value === 'object' && value !== null && (value as Cataloger).name === name,
  );
  if (!cataloger?.sniff) throw new Error(`no cataloger named ${name} with a sniff`);
  return cataloger.sniff;
}

async function walk(port: NonNullable<typeof parentPort>, data: WalkWorkerData): Promise<void> {
  const [tree, sniffs] = await Promise.all([DirectoryTree.open(data.root, data.limits), Promise.all(data.sniffers.map(loadSniff))]);
  let named: NamedFound[] = [];
  let sniffed: SniffedFound[] = [];
  let digests: DigestFound[] = [];
  const flush = () => {
    if (named.length + sniffed.length + digests.length === 0) return;
    port.postMessage({ named, sniffed, digests } satisfies WalkWorkerMessage);
    named = [];
    sniffed = [];
    digests = [];
  };
  const hashBuffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  // A file whose digest its cataloger reports: sent at once, so the driver reads it while it is
  // hashed here; then its digest, when the bytes hashed are the size the walk saw (else the
  // parser hashes it itself).
  const digest = (algorithm: FileDigest, file: FileRef) => {
    if (file.size > data.limits.maxFileBytes) return;
    flush();
    try {
      const hashed = digestHostFile(tree.filePath(file), algorithm, file.path, hashBuffer);
      if (hashed.size === file.size) digests.push([file.path, hashed.digest]);
    } catch {
      return; // unreadable now: the parser meets the same and reports it
    }
    flush();
  };
  const found = () => {
    if (named.length + sniffed.length >= BATCH) flush();
  };
  try {
    await walkCandidates(tree, data.roots, data.patternSets, sniffs, data.crossMounts, {
      named(index, entry) {
        const file = entry.fileRef?.();
        named.push([index, entry.path, file ? file.size : -1]);
        const algorithm = data.digests[index];
        if (file && algorithm) digest(algorithm, file);
        else found();
      },
      sniffed(index, entry) {
        const file = entry.fileRef?.();
        let recognised: 0 | 1 = 0;
        if (file) {
          const sniff = sniffs[index]!;
          try {
            if (sniff.test(tree.readHeadSync(file, sniff.headerBytes), file.realPath)) recognised = 1;
          } catch {
            // unreadable: it cannot be recognised, as on the main thread
          }
        }
        sniffed.push([index, entry.path, file ? file.size : -1, recognised]);
        found();
      },
    });
  } finally {
    await tree.close();
  }
  flush();
}

if (parentPort) {
  const port = parentPort;
  walk(port, workerData as WalkWorkerData).then(
    () => port.postMessage({ done: true } satisfies WalkWorkerMessage),
    (error: unknown) => port.postMessage({ error: String((error as Error)?.message ?? error) } satisfies WalkWorkerMessage),
  );
}
