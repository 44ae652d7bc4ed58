/** @module NVD CVE API 2.0 JSON (a saved page or feed file, optionally gzip) to CveRecords. @see https://nvd.nist.gov/developers/vulnerabilities */
import { looksLikeJson, sampleJson, type Feed, type FeedSample } from '../feed.js';
import { isNvdDocument } from './parse.js';

export { parseNvdCve, parseNvdDocument, isNvdDocument, type NvdDocument, type NvdParseResult } from './parse.js';
export { readNvdFile, NVD_MAX_BYTES } from './read.js';
export { formatNvdDate, NVD_MAX_WINDOW_DAYS, NVD_PAGE_SIZE, nvdChangeWindows, nvdPageUrl, parseNvdTimestamp, type NvdWindow } from './changes.js';

function recognises(sample: FeedSample): boolean {
  if (!looksLikeJson(sample)) return false;
  const json = sampleJson(sample);
  if (json !== undefined) return isNvdDocument(json);
  return /"vulnerabilities"\s*:\s*\[\s*\{\s*"cve"\s*:/.test(sample.text) || /"format"\s*:\s*"NVD_CVE"/.test(sample.text);
}

export const nvd = { name: 'nvd', spec: 'https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema', recognises } satisfies Feed;
