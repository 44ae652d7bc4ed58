/**
 * @module Reads OSV records from a local source: one .json/.yaml/.yml file (a record or a JSON
 * array of records), a folder searched recursively (symbolic links are not followed), or a zip
 * such as OSV's per-ecosystem all.zip, read entry by entry through one file descriptor.
 * A file or entry that cannot be read or parsed becomes an error item, never a throw; only a path
 * that cannot be read at all throws.
 * @see https://google.github.io/osv.dev/data/#data-dumps
 */
import { open as openFd, close as closeFd } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { parseAllDocuments } from 'yaml';
import type { FeedRejection } from '../../model/advisory.js';
import { describeError } from '../../errors.js';
import { feedPathError, isZip, mb, readHead, statFeedPath } from '../files.js';
import { nextZipEntry } from '../../archive/yauzl.js';

export type OsvSourceItem = { json: unknown; origin: string } | { error: FeedRejection };

/** The largest single record file or zip entry read (OSV records are KBs; the largest are a few MB). */
export const OSV_MAX_FILE_BYTES = 64 * 1024 * 1024;

const RECORD_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

function isRecordFile(name: string): boolean {
  return RECORD_EXTENSIONS.has(extname(name).toLowerCase());
}

/** The records in one file's text: a record, a JSON array of records, or YAML documents. */
function* recordsInText(text: string, name: string, origin: string): Generator<OsvSourceItem> {
  const extension = extname(name).toLowerCase();
  let values: unknown[];
  try {
    if (extension === '.yaml' || extension === '.yml') {
      values = [];
      for (const document of parseAllDocuments(text)) {
        if ('errors' in document && document.errors.length > 0) throw new Error(document.errors[0]!.message);
        values.push(document.toJS({ maxAliasCount: 100 }));
      }
    } else {
      const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      values = [value];
    }
  } catch (error) {
    yield { error: { id: origin, reason: `not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${describeError(error)}` } };
    return;
  }
  for (const value of values) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield { json: value[i], origin: `${origin}#${i}` };
    } else {
      yield { json: value, origin };
    }
  }
}

async function* readRecordFile(path: string, origin: string, size: number, cap: number): AsyncGenerator<OsvSourceItem> {
  if (size > cap) {
    yield { error: { id: origin, reason: `larger than ${mb(cap)}: left unread` } };
    return;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    yield { error: { id: origin, reason: `cannot be read: ${describeError(error)}` } };
    return;
  }
  yield* recordsInText(text, path, origin);
}

async function* walkFolder(root: string, folder: string, cap: number): AsyncGenerator<OsvSourceItem> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (folder === root) throw feedPathError(folder, error);
    yield { error: { id: relative(root, folder) || folder, reason: `folder cannot be read: ${describeError(error)}` } };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // Dirent types come from lstat: a symbolic link is neither a file nor a directory here.
    if (entry.isDirectory()) {
      yield* walkFolder(root, path, cap);
    } else if (entry.isFile() && isRecordFile(entry.name)) {
      let size: number;
      try {
        size = (await statFeedPath(path)).size;
      } catch (error) {
        yield { error: { id: path, reason: describeError(error) } };
        continue;
      }
      yield* readRecordFile(path, path, size, cap);
    }
  }
}

function openZip(fd: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromFd(fd, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (error, zip) =>
      error || !zip ? reject(error ?? new Error('no zip file')) : resolve(zip),
    );
  });
}

/** An entry's bytes, read as a stream and stopped as soon as they pass `cap`. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, s) => (error || !s ? reject(error ?? new Error('no stream')) : resolve(s))),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap) throw new Error(`larger than ${mb(cap)}: left unread`);
      chunks.push(chunk);
    }
  } finally {
    if (total > cap) (stream as unknown as { destroy(): void }).destroy();
  }
  return Buffer.concat(chunks);
}

async function* readZip(path: string, cap: number): AsyncGenerator<OsvSourceItem> {
  const fd = await promisify(openFd)(path, 'r').catch((error: unknown) => {
    throw feedPathError(path, error);
  });
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(fd);
  } catch (error) {
    closeFd(fd, () => undefined);
    yield { error: { id: path, reason: `not a readable zip archive: ${describeError(error)}` } };
    return;
  }
  try {
    for (;;) {
      let entry: yauzl.Entry | undefined;
      try {
        entry = await nextZipEntry(zip);
      } catch (error) {
        yield { error: { id: path, reason: `zip archive is damaged, reading stopped: ${describeError(error)}` } };
        return;
      }
      if (!entry) return;
      const name = entry.fileName;
      if (name.endsWith('/') || !isRecordFile(name)) continue;
      const origin = `${path}!${name}`;
      if (entry.uncompressedSize > cap) {
        yield { error: { id: origin, reason: `larger than ${mb(cap)}: left unread` } };
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await readEntry(zip, entry, cap);
      } catch (error) {
        yield { error: { id: origin, reason: `cannot be read: ${describeError(error)}` } };
        continue;
      }
      yield* recordsInText(bytes.toString('utf8'), name, origin);
    }
  } finally {
    zip.close();
  }
}

/**
 * Every record in an OSV source, in a stable order (folders sorted by name, zips in entry order),
 * each with its origin: the file path, `archive.zip!entry.json`, and `#index` for array items.
 */
export async function* readOsvSource(path: string, options: { maxFileBytes?: number } = {}): AsyncGenerator<OsvSourceItem> {
  const cap = options.maxFileBytes ?? OSV_MAX_FILE_BYTES;
  const stats = await statFeedPath(path);
  if (stats.isDirectory()) {
    yield* walkFolder(path, path, cap);
    return;
  }
  let head: Buffer;
  try {
    head = await readHead(path, 4);
  } catch (error) {
    throw feedPathError(path, error);
  }
  if (isZip(head) || extname(path).toLowerCase() === '.zip') {
    yield* readZip(path, cap);
    return;
  }
  yield* readRecordFile(path, path, stats.size, cap);
}
