/** @module OSV records (JSON or YAML; one file, a folder, or an all.zip) to Advisories. @see https://ossf.github.io/osv-schema/ */
import { isObject } from '../values.js';
import { looksLikeJson, sampleJson, type Feed, type FeedSample } from '../feed.js';

export { parseOsvRecord, type OsvParseResult } from './parse.js';
export { readOsvSource, OSV_MAX_FILE_BYTES, type OsvSourceItem } from './read.js';

function isOsvRecord(value: unknown): boolean {
  return isObject(value) && typeof value.id === 'string' && 'modified' in value;
}

function recognises(sample: FeedSample): boolean {
  if (sample.kind === 'folder' || sample.kind === 'zip') return true;
  if (sample.kind !== 'text' || sample.gzip) return false;
  if (sample.extension === '.yaml' || sample.extension === '.yml') return true;
  if (!looksLikeJson(sample)) return false;
  const json = sampleJson(sample);
  if (json !== undefined) return Array.isArray(json) ? json.length > 0 && json.every(isOsvRecord) : isOsvRecord(json);
  // A cut sample: an OSV record names "id" and "modified" at its top level (and no KEV/NVD keys).
  return /"id"\s*:/.test(sample.text) && /"(modified|affected|schema_version)"\s*:/.test(sample.text) && !/"(vulnerabilities|catalogVersion)"\s*:/.test(sample.text);
}

export const osv = { name: 'osv', spec: 'https://ossf.github.io/osv-schema/', recognises } satisfies Feed;
