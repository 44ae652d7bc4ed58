/** @module The CISA Known Exploited Vulnerabilities catalog to KevEntries. @see https://www.cisa.gov/known-exploited-vulnerabilities-catalog */
import { looksLikeJson, sampleJson, type Feed, type FeedSample } from '../feed.js';
import { isKevCatalog } from './parse.js';

export { parseKevCatalog, isKevCatalog, type KevCatalog, type KevParseResult } from './parse.js';
export { readKevFile } from './read.js';

function recognises(sample: FeedSample): boolean {
  if (!looksLikeJson(sample)) return false;
  const json = sampleJson(sample);
  if (json !== undefined) return isKevCatalog(json);
  return /"catalogVersion"\s*:/.test(sample.text) && /"(vulnerabilities|cveID)"\s*:/.test(sample.text);
}

export const kev = { name: 'kev', spec: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json', recognises } satisfies Feed;
