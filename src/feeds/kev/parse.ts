/**
 * @module The CISA Known Exploited Vulnerabilities catalog (JSON) to KevEntry records.
 * @see https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities_schema.json
 */
import type { FeedRejection, KevEntry } from '../../model/advisory.js';
import { isNonEmptyString, isObject, optionalString, preview, stringsOf } from '../values.js';

export interface KevCatalog {
  catalogVersion?: string;
  dateReleased?: string;
  /** The count the catalog states (compare with entries.length + rejections.length). */
  count?: number;
}

export interface KevParseResult {
  catalog: KevCatalog;
  entries: KevEntry[];
  rejections: FeedRejection[];
}

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True when a value looks like the KEV catalog. */
export function isKevCatalog(json: unknown): boolean {
  return isObject(json) && 'catalogVersion' in json && Array.isArray(json.vulnerabilities) && (json.vulnerabilities.length === 0 || (isObject(json.vulnerabilities[0]) && 'cveID' in json.vulnerabilities[0]));
}

export function parseKevCatalog(json: unknown, origin = '(kev)'): KevParseResult {
  const result: KevParseResult = { catalog: {}, entries: [], rejections: [] };
  if (!isObject(json) || !Array.isArray(json.vulnerabilities)) {
    result.rejections.push({ id: origin, reason: 'not the KEV catalog: no "vulnerabilities" array' });
    return result;
  }
  const catalogVersion = optionalString(json.catalogVersion);
  if (catalogVersion) result.catalog.catalogVersion = catalogVersion;
  const dateReleased = optionalString(json.dateReleased);
  if (dateReleased) result.catalog.dateReleased = dateReleased;
  if (typeof json.count === 'number') result.catalog.count = json.count;

  json.vulnerabilities.forEach((item, i) => {
    const where = `${origin}#${i}`;
    if (!isObject(item)) {
      result.rejections.push({ id: where, reason: `an entry is an object, got ${preview(item)}` });
      return;
    }
    const cveId = typeof item.cveID === 'string' ? item.cveID.trim() : '';
    if (!CVE_ID.test(cveId)) {
      result.rejections.push({ id: cveId || where, reason: `"cveID" is missing or not a CVE id: ${preview(item.cveID)}` });
      return;
    }
    if (!isNonEmptyString(item.dateAdded) || !DATE.test(item.dateAdded.trim())) {
      result.rejections.push({ id: cveId, reason: `"dateAdded" is missing or not a YYYY-MM-DD date: ${preview(item.dateAdded)}` });
      return;
    }
    const entry: KevEntry = { cveId, dateAdded: item.dateAdded.trim(), cwes: stringsOf(item.cwes).filter((cwe) => /^CWE-\d+$/.test(cwe)) };
    for (const key of ['vendorProject', 'product', 'vulnerabilityName', 'shortDescription', 'requiredAction', 'dueDate', 'knownRansomwareCampaignUse', 'notes'] as const) {
      const value = optionalString(item[key]);
      if (value) entry[key] = value;
    }
    result.entries.push(entry);
  });
  return result;
}
