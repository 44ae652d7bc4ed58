/**
 * @module What the service's parts share: the store, the vulnerability database as it is now,
 * the settings, a logger and a clock. The API, the job handlers and the scheduler take this one
 * value; `vigil server` and `vigil worker` build it.
 */
import type { Logger } from 'pino';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../findings/index.js';
import type { Store } from '../store/index.js';
import type { VulnDbReader } from '../vulndb/reader.js';

/**
 * The vulnerability database file, followed across swaps: `vigil db import` or `update` renames a
 * new file over the old one while the service runs, and the handle opens the new file then.
 */
export interface VulnDbHandle {
  readonly path: string;
  /** The reader of the file in place now; throws VigilError VULNDB_MISSING when there is none. */
  current(): VulnDbReader;
  /** Calls `listener` after a new file has been swapped in (and the handle has opened it). */
  onSwap(listener: (reader: VulnDbReader) => void): () => void;
  close(): Promise<void>;
}

export interface ServiceSettings {
  /** How long closed findings (and those of deleted resources) are kept before they are purged. */
  retention: RetentionPolicy;
  /** A closed finding that recurs within this many days is reopened; later, it is a new finding. */
  reopenWindowDays: number;
  /** The region a new account and its records carry when none is given. */
  defaultRegion: string;
  /**
   * The folders `POST /v1/scans` may scan paths under (`vigil server --scan-root`): a key of any
   * account may ask for a scan, and the server reads with its own rights. None: no path is scanned.
   */
  scanRoots: readonly string[];
}

/** What a server or worker runs with unless told otherwise. */
export const DEFAULT_SETTINGS: ServiceSettings = { retention: DEFAULT_RETENTION, reopenWindowDays: 7, defaultRegion: 'default', scanRoots: [] };

export interface ServiceContext {
  store: Store;
  vulndb: VulnDbHandle;
  settings: ServiceSettings;
  log: Logger;
  /** The time now; tests move it. */
  now(): Date;
}
