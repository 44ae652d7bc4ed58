/** @module Imports an OSV source (a record, a folder of records, or a zip such as all.zip). */
import type { FeedRejection } from '../model/advisory.js';
import { parseOsvRecord } from '../feeds/osv/parse.js';
import { readOsvSource } from '../feeds/osv/read.js';
import type { VulnDbBuilder } from './builder.js';
import type { SourceReport } from './import-report.js';

export async function importOsv(path: string, builder: VulnDbBuilder, onRecord?: () => void): Promise<SourceReport> {
  const report: SourceReport = { path, feed: 'osv', accepted: 0, added: 0, changed: 0, unchanged: 0, rejected: [] };
  const rejected: FeedRejection[] = report.rejected;
  // Two records with one id in one import: the later modified one wins, as OSV says.
  const seen = new Map<string, string>();
  for await (const item of readOsvSource(path)) {
    onRecord?.();
    if ('error' in item) {
      rejected.push(item.error);
      continue;
    }
    const parsed = parseOsvRecord(item.json, item.origin);
    if (!parsed.ok) {
      rejected.push(parsed.rejection);
      continue;
    }
    const { advisory } = parsed;
    const previous = seen.get(advisory.id);
    if (previous !== undefined && previous > advisory.modified) continue;
    seen.set(advisory.id, advisory.modified);
    report.accepted++;
    report[builder.upsertAdvisory(advisory)]++;
  }
  builder.recordSource({ name: 'osv', records: report.accepted, rejected: rejected.length, origin: path });
  return report;
}
