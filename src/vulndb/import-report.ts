/** @module What an import did, per source: counted, and every rejected record listed with its reason. */
import type { FeedRejection } from '../model/advisory.js';

export type FeedName = 'osv' | 'nvd' | 'kev' | 'epss';

export interface SourceReport {
  path: string;
  feed: FeedName;
  /** Records read and valid. */
  accepted: number;
  added: number;
  changed: number;
  unchanged: number;
  /** Entries a whole-catalog feed (KEV) no longer lists. */
  removed?: number;
  rejected: FeedRejection[];
}

export interface ImportReport {
  database: string;
  sources: SourceReport[];
  /** The import's number in the change log, and how many (ecosystem, package) pairs changed. */
  importSeq: number;
  changedPackages: number;
  durationMs: number;
}
