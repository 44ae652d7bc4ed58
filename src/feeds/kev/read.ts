/** @module Reads the KEV catalog from a local JSON file, plain or gzip-compressed (about 1.3 MB: read whole). */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describeError } from '../../errors.js';
import { feedPathError, isGzip, statFeedPath } from '../files.js';
import { parseKevCatalog, type KevParseResult } from './parse.js';

/** Far above the real catalog's size; a bigger file is not the KEV catalog. */
const KEV_MAX_BYTES = 256 * 1024 * 1024;

export async function readKevFile(path: string): Promise<KevParseResult> {
  await statFeedPath(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw feedPathError(path, error);
  }
  let json: unknown;
  try {
    if (isGzip(bytes)) bytes = gunzipSync(bytes, { maxOutputLength: KEV_MAX_BYTES });
    const text = bytes.toString('utf8');
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { catalog: {}, entries: [], rejections: [{ id: path, reason: `not valid JSON: ${describeError(error)}` }] };
  }
  return parseKevCatalog(json, path);
}
