/**
 * @module Reads a saved NVD CVE API 2.0 page or feed file (.json, or gzip-compressed .json.gz).
 * The whole file is read and parsed at once: NVD pages hold at most 2,000 CVEs (a few MB) and
 * yearly feed files a few hundred MB, so this stays simple and is capped at NVD_MAX_BYTES
 * (1 GB, uncompressed) — beyond that the file is reported, not read.
 * @see https://nvd.nist.gov/developers/vulnerabilities
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { describeError, VigilError } from '../../errors.js';
import { feedPathError, isGzip, mb, statFeedPath } from '../files.js';
import { parseNvdDocument, type NvdDocument } from './parse.js';

/** The largest NVD document read, uncompressed; V8 strings stop a little above this anyway. */
export const NVD_MAX_BYTES = 1024 * 1024 * 1024;

/** Reads and parses one NVD file; a file that cannot be parsed as JSON is one rejection. */
export async function readNvdFile(path: string, maxBytes = NVD_MAX_BYTES): Promise<NvdDocument> {
  const stats = await statFeedPath(path);
  if (stats.isDirectory()) throw new VigilError('TARGET_UNREADABLE', `${path} is a folder: give an NVD JSON file`);
  if (stats.size > maxBytes) return { records: [], rejections: [{ id: path, reason: `larger than ${mb(maxBytes)}: left unread` }] };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw feedPathError(path, error);
  }
  if (isGzip(bytes)) {
    try {
      bytes = await promisify(gunzip)(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      return { records: [], rejections: [{ id: path, reason: `not readable gzip data (or over ${mb(maxBytes)} uncompressed): ${describeError(error)}` }] };
    }
  }
  let json: unknown;
  try {
    const text = bytes.toString('utf8');
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { records: [], rejections: [{ id: path, reason: `not valid JSON: ${describeError(error)}` }] };
  }
  return parseNvdDocument(json, path);
}
