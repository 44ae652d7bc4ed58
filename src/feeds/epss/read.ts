/**
 * @module Streams an EPSS CSV file, plain or gzip-compressed (recognised by its magic bytes, not
 * its name), line by line: memory stays flat for the full 300,000-line daily file.
 * @see https://www.first.org/epss/data_stats
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { EpssScore, FeedRejection } from '../../model/advisory.js';
import { describeError, VigilError } from '../../errors.js';
import { feedPathError, isGzip, readHead, statFeedPath } from '../files.js';
import { DEFAULT_EPSS_COLUMNS, parseEpssLine, type EpssColumns, type EpssModel } from './parse.js';

export type EpssItem = { score: EpssScore } | { error: FeedRejection } | { model: EpssModel };

/** Every score, the model line when there is one, and every bad line as an error item. */
export async function* readEpssFile(path: string): AsyncGenerator<EpssItem> {
  const stats = await statFeedPath(path);
  if (stats.isDirectory()) throw new VigilError('TARGET_UNREADABLE', `${path} is a folder: give an EPSS CSV file`);
  let head: Buffer;
  try {
    head = await readHead(path, 2);
  } catch (error) {
    throw feedPathError(path, error);
  }
  const file = createReadStream(path);
  let input: Readable = file;
  if (isGzip(head)) {
    const gunzip = createGunzip();
    file.on('error', (error) => gunzip.destroy(error));
    input = file.pipe(gunzip);
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let columns: EpssColumns = DEFAULT_EPSS_COLUMNS;
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseEpssLine(line, lineNumber, columns);
      switch (parsed.kind) {
        case 'score':
          yield { score: parsed.score };
          break;
        case 'rejected':
          yield { error: parsed.rejection };
          break;
        case 'header':
          columns = parsed.columns;
          break;
        case 'model':
          yield { model: parsed.model };
          break;
        case 'blank':
          break;
      }
    }
  } catch (error) {
    yield { error: { id: path, reason: `reading stopped at line ${lineNumber}: ${describeError(error)}` } };
  } finally {
    lines.close();
    input.destroy();
    file.destroy();
  }
}
