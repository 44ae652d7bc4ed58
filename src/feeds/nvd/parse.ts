/**
 * @module NVD CVE API 2.0 JSON: one `vulnerabilities[].cve` object to a CveRecord, and a whole
 * page or feed file to records plus rejections.
 * @see https://csrc.nist.gov/schema/nvd/api/2.0/cve_api_json_2.0.schema
 */
import type { CveRecord, CvssMetric, FeedRejection, Reference } from '../../model/advisory.js';
import { isNonEmptyString, isObject, optionalString, preview, type JsonObject } from '../values.js';

export type NvdParseResult = { ok: true; record: CveRecord } | { ok: false; rejection: FeedRejection };

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

/** metrics key → the CVSS version its cvssData must state. */
const METRIC_KEYS: Array<[string, string]> = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

function metricsOf(metrics: unknown): CvssMetric[] {
  if (!isObject(metrics)) return [];
  const out: CvssMetric[] = [];
  for (const [key, expected] of METRIC_KEYS) {
    const list = metrics[key];
    if (!Array.isArray(list)) continue;
    for (const metric of list) {
      if (!isObject(metric) || !isObject(metric.cvssData)) continue;
      const data = metric.cvssData;
      if (!isNonEmptyString(data.vectorString)) continue;
      const entry: CvssMetric = {
        version: isNonEmptyString(data.version) ? data.version : expected,
        vector: data.vectorString.trim(),
        source: isNonEmptyString(metric.source) ? metric.source : 'nvd',
      };
      if (typeof data.baseScore === 'number' && Number.isFinite(data.baseScore)) entry.baseScore = data.baseScore;
      if (isNonEmptyString(metric.type)) entry.type = metric.type;
      out.push(entry);
    }
  }
  return out;
}

/** CWE-nnn ids from weaknesses[].description[].value; NVD-CWE-Other and NVD-CWE-noinfo are left out. */
function cwesOf(weaknesses: unknown): string[] {
  if (!Array.isArray(weaknesses)) return [];
  const cwes = new Set<string>();
  for (const weakness of weaknesses) {
    if (!isObject(weakness) || !Array.isArray(weakness.description)) continue;
    for (const description of weakness.description) {
      if (isObject(description) && typeof description.value === 'string' && /^CWE-\d+$/.test(description.value)) cwes.add(description.value);
    }
  }
  return [...cwes];
}

function englishDescription(descriptions: unknown): string | undefined {
  if (!Array.isArray(descriptions)) return undefined;
  const objects = descriptions.filter(isObject);
  const english = objects.find((d) => d.lang === 'en' && isNonEmptyString(d.value)) ?? objects.find((d) => typeof d.lang === 'string' && d.lang.startsWith('en') && isNonEmptyString(d.value));
  return english ? (english.value as string) : undefined;
}

/** NVD references carry tags, not OSV types: every one is a WEB reference here. */
function referencesOf(references: unknown): Reference[] {
  if (!Array.isArray(references)) return [];
  return references.filter((ref): ref is JsonObject => isObject(ref) && isNonEmptyString(ref.url)).map((ref) => ({ type: 'WEB', url: ref.url as string }));
}

/** One `cve` object (the value under vulnerabilities[].cve). */
export function parseNvdCve(cve: unknown, origin?: string): NvdParseResult {
  if (!isObject(cve)) return { ok: false, rejection: { id: origin ?? '(unknown)', reason: `a CVE entry is an object, got ${preview(cve)}` } };
  const id = typeof cve.id === 'string' ? cve.id.trim() : '';
  if (!CVE_ID.test(id)) return { ok: false, rejection: { id: id || origin || '(unknown)', reason: `"id" is not a CVE id: ${preview(cve.id)}` } };
  const record: CveRecord = {
    id,
    cvss: metricsOf(cve.metrics),
    cwes: cwesOf(cve.weaknesses),
    references: referencesOf(cve.references),
  };
  const published = optionalString(cve.published);
  if (published) record.published = published;
  const lastModified = optionalString(cve.lastModified);
  if (lastModified) record.lastModified = lastModified;
  const status = optionalString(cve.vulnStatus);
  if (status) record.status = status;
  const description = englishDescription(cve.descriptions);
  if (description) record.description = description;
  return { ok: true, record };
}

export interface NvdDocument {
  records: CveRecord[];
  rejections: FeedRejection[];
  /** The page's own facts, when it is an API response. */
  totalResults?: number;
  timestamp?: string;
}

/** True when a value looks like an NVD API 2.0 page or feed file. */
export function isNvdDocument(json: unknown): json is JsonObject {
  return isObject(json) && Array.isArray(json.vulnerabilities) && (json.vulnerabilities.length === 0 ? json.format === 'NVD_CVE' : isObject(json.vulnerabilities[0]) && 'cve' in json.vulnerabilities[0]);
}

/** A whole page or feed file: `{ "vulnerabilities": [ { "cve": {...} } ], ... }`. */
export function parseNvdDocument(json: unknown, origin = '(nvd)'): NvdDocument {
  if (!isObject(json) || !Array.isArray(json.vulnerabilities)) {
    return { records: [], rejections: [{ id: origin, reason: 'not an NVD CVE API 2.0 document: no "vulnerabilities" array' }] };
  }
  const document: NvdDocument = { records: [], rejections: [] };
  json.vulnerabilities.forEach((item, i) => {
    const result = parseNvdCve(isObject(item) ? item.cve : undefined, `${origin}#${i}`);
    if (result.ok) document.records.push(result.record);
    else document.rejections.push(result.rejection);
  });
  if (typeof json.totalResults === 'number') document.totalResults = json.totalResults;
  if (isNonEmptyString(json.timestamp)) document.timestamp = json.timestamp;
  return document;
}
