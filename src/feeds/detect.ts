/** @module Recognises a local feed by its content, reading only its first KBs (decompressed when gzip). */
import { extname } from 'node:path';
import { feedPathError, gunzipHead, isGzip, isZip, readHead, statFeedPath } from './files.js';
import type { FeedSample } from './feed.js';
import { feeds, type FeedName } from './index.js';

/** How much of a file is looked at: enough for an OSV record's top-level keys, NVD's and KEV's headers. */
export const DETECT_SAMPLE_BYTES = 64 * 1024;

export async function sampleFeed(path: string): Promise<FeedSample> {
  const stats = await statFeedPath(path);
  if (stats.isDirectory()) return { kind: 'folder' };
  let head: Buffer;
  try {
    head = await readHead(path, DETECT_SAMPLE_BYTES);
  } catch (error) {
    throw feedPathError(path, error);
  }
  if (isZip(head)) return { kind: 'zip' };
  let extension = extname(path).toLowerCase();
  const gzip = isGzip(head);
  let text: Buffer = head;
  let complete = head.length === stats.size;
  if (gzip) {
    // A few KB compressed are ample for the text any feed is recognised by.
    text = gunzipHead(head.subarray(0, 16 * 1024), DETECT_SAMPLE_BYTES);
    complete = false;
    extension = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  }
  return { kind: 'text', text: text.toString('utf8').replace(/^\uFEFF/, ''), complete, extension, gzip };
}

/** The feed a local path holds, or undefined when none recognises it. */
export async function detectFeed(path: string): Promise<FeedName | undefined> {
  const sample = await sampleFeed(path);
  return feeds.find((feed) => feed.recognises(sample))?.name;
}
