/**
 * @module The vulnerability database file followed across swaps. `vigil db import` and `update`
 * build a new file beside the live one and rename it over it while the service runs; the handle
 * notices (fs.watch on the folder, for the file's name, and a stat poll of (dev, inode, mtime,
 * size) every few seconds, because fs.watch misses events on some file systems and never fires on
 * others), opens the new file, tells its `onSwap` listeners, and later closes the old reader.
 *
 * When an old reader is closed. Reader calls are synchronous (better-sqlite3), so a caller that
 * asks for `current()` and uses the reader before its next `await` can never see it closed. Callers
 * that hold a reader across awaits (a push takes the reader, then waits for the resource's lock)
 * are why the old reader is not closed at the swap but `closeGraceMs` later (30 s by default,
 * far longer than one transaction). Work that runs longer than that on one reader (a
 * re-evaluation of every resource) asks `isSuperseded(reader)` before each synchronous use and
 * stops when it is: a swap queues a new re-evaluation anyway, which picks up where the database's
 * change log says. A reference count was the other choice; it would need every caller to
 * release what it took, and a forgotten release would keep an old file open for ever.
 *
 * A file removed from under the handle leaves the last reader in use (its file stays readable
 * while open); a file that cannot be opened (not a database, another schema version, half copied
 * by a plain `cp`) is reported once and tried again at the next poll, the old reader staying.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { describeError, isVigilError, VigilError } from '../errors.js';
import { VulnDbReader } from '../vulndb/reader.js';
import type { VulnDbHandle } from './context.js';
import { readVulnDbIdentity, rememberIdentity, type VulnDbIdentity } from './vulndb-identity.js';

export interface VulnDbHandleOptions {
  log: Logger;
  /** How often the file is stat'ed when no fs.watch event came (default 2 s). */
  pollIntervalMs?: number;
  /** How long a replaced reader stays open for callers that took it before the swap (default 30 s). */
  closeGraceMs?: number;
  /** Watch the folder as well as polling (default true; false leaves the poll alone, as on a file system without events). */
  watch?: boolean;
}

/** A VulnDbHandle that can also be told to look at the file now. */
export interface FollowedVulnDb extends VulnDbHandle {
  /** Looks at the file now; true when a new file was opened (and the listeners told). */
  refresh(): boolean;
  /** The identity of the database `current()` reads, or undefined when there is none. */
  identity(): VulnDbIdentity | undefined;
}

const superseded = new WeakSet<VulnDbReader>();

/** True once a handle has opened a newer file than this reader's: long work on it should stop. */
export function isSuperseded(reader: VulnDbReader): boolean {
  return superseded.has(reader);
}

/** What tells one file from another at one path: a rename brings a new inode, a rewrite in place a new mtime. */
function fileKeyOf(path: string): string | undefined {
  try {
    const info = statSync(path);
    return `${info.dev}:${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface Opened {
  reader: VulnDbReader;
  identity: VulnDbIdentity;
  fileKey: string;
}

/**
 * Opens the file at `path` with its identity, both read from one file: the path's stat is taken
 * before and after, and an open that straddled a swap is undone (undefined: look again).
 */
function openFile(path: string, fileKey: string): Opened | undefined {
  const reader = VulnDbReader.open(path);
  let identity: VulnDbIdentity;
  try {
    identity = readVulnDbIdentity(path);
  } catch (error) {
    reader.close();
    throw new VigilError('VULNDB_INVALID', `${path} is not a Vigil vulnerability database: ${describeError(error)}`, { cause: error });
  }
  if (fileKeyOf(path) !== fileKey) {
    reader.close();
    return undefined;
  }
  rememberIdentity(reader, identity);
  return { reader, identity, fileKey };
}

class FollowedFile implements FollowedVulnDb {
  private live: Opened | undefined;
  /** Why there is no reader, when a file is there but could not be opened. */
  private failure: { fileKey: string; error: unknown } | undefined;
  private removedReported = false;
  private readonly listeners = new Set<(reader: VulnDbReader) => void>();
  private readonly retiring = new Map<VulnDbReader, NodeJS.Timeout>();
  private watcher: FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private pending: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly log: Logger,
    pollIntervalMs: number,
    private readonly closeGraceMs: number,
    private readonly watching: boolean,
  ) {
    this.refresh();
    this.startWatching();
    this.poll = setInterval(() => {
      if (!this.watcher) this.startWatching();
      this.refresh();
    }, pollIntervalMs);
    this.poll.unref();
  }

  current(): VulnDbReader {
    if (this.live) return this.live.reader;
    if (this.failure && isVigilError(this.failure.error)) throw this.failure.error;
    throw new VigilError('VULNDB_MISSING', `no vulnerability database at ${this.path}: run "vigil db import PATH..." or "vigil db update" first`);
  }

  identity(): VulnDbIdentity | undefined {
    return this.live?.identity;
  }

  onSwap(listener: (reader: VulnDbReader) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refresh(): boolean {
    if (this.closed) return false;
    // A few tries: each ends early only when the file was swapped again while it was being opened.
    for (let attempt = 0; attempt < 5; attempt++) {
      let fileKey: string | undefined;
      try {
        fileKey = fileKeyOf(this.path);
      } catch (error) {
        this.log.warn({ err: error, path: this.path }, 'cannot stat the vulnerability database');
        return false;
      }
      if (fileKey === undefined) {
        if (this.live && !this.removedReported) {
          this.removedReported = true;
          this.log.warn({ path: this.path }, 'the vulnerability database file was removed; still using the one already open');
        }
        return false;
      }
      this.removedReported = false;
      if (fileKey === this.live?.fileKey || fileKey === this.failure?.fileKey) return false;
      let opened: Opened | undefined;
      try {
        opened = openFile(this.path, fileKey);
      } catch (error) {
        this.failure = { fileKey, error };
        this.log.warn({ err: error, path: this.path }, this.live ? 'cannot open the new vulnerability database; still using the previous one' : 'cannot open the vulnerability database');
        return false;
      }
      if (!opened) continue;
      this.failure = undefined;
      this.swapIn(opened);
      return true;
    }
    return false;
  }

  private swapIn(opened: Opened): void {
    const previous = this.live;
    this.live = opened;
    if (previous) {
      superseded.add(previous.reader);
      const timer = setTimeout(() => this.retire(previous.reader), this.closeGraceMs);
      timer.unref();
      this.retiring.set(previous.reader, timer);
    }
    this.log.info({ path: this.path, ...opened.identity, replaced: previous !== undefined }, 'vulnerability database opened');
    for (const listener of [...this.listeners]) {
      try {
        listener(opened.reader);
      } catch (error) {
        this.log.error({ err: error }, 'a vulnerability database swap listener failed');
      }
    }
  }

  private retire(reader: VulnDbReader): void {
    const timer = this.retiring.get(reader);
    if (timer) clearTimeout(timer);
    this.retiring.delete(reader);
    try {
      reader.close();
    } catch (error) {
      this.log.warn({ err: error }, 'closing a replaced vulnerability database reader failed');
    }
  }

  private startWatching(): void {
    if (this.closed || !this.watching) return;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        // Some platforms give no name: look anyway, it costs one stat.
        if (filename === null || filename === name || filename.toString() === name) this.soon();
      });
      this.watcher.on('error', (error) => {
        this.log.debug({ err: error, path: this.path }, 'watching the vulnerability database folder failed; polling');
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      // No folder yet, or no watching on this file system: the poll looks, and tries again.
      this.log.debug({ err: error, path: this.path }, 'cannot watch the vulnerability database folder; polling');
      this.watcher = undefined;
    }
  }

  /** One look shortly after a burst of events (a rename can come with several). */
  private soon(): void {
    if (this.pending || this.closed) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 5);
    this.pending.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    this.watcher?.close();
    this.watcher = undefined;
    this.listeners.clear();
    for (const reader of [...this.retiring.keys()]) this.retire(reader);
    if (this.live) {
      superseded.add(this.live.reader);
      this.live.reader.close();
      this.live = undefined;
    }
  }
}

/**
 * Follows the vulnerability database at `path`. A missing file is no error: `current()` throws
 * VULNDB_MISSING until one appears; an unreadable one, VULNDB_INVALID until it is replaced.
 */
export async function openVulnDbHandle(path: string, options: VulnDbHandleOptions): Promise<FollowedVulnDb> {
  return new FollowedFile(path, options.log, options.pollIntervalMs ?? 2000, options.closeGraceMs ?? 30_000, options.watch ?? true);
}
