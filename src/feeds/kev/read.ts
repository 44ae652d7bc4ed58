/** @module Reads the KEV catalog from a local JSON file (about 1.3 MB: read whole). */
import { readFile } from 'node:fs/promises';
import { describeError } from '../../errors.js';
import { feedPathError, statFeedPath } from '../files.js';
import { parseKevCatalog, type KevParseResult } from './parse.js';

export async function readKevFile(path: string): Promise<KevParseResult> {
  await statFeedPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw feedPathError(path, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { catalog: {}, entries: [], rejections: [{ id: path, reason: `not valid JSON: ${describeError(error)}` }] };
  }
  return parseKevCatalog(json, path);
}
