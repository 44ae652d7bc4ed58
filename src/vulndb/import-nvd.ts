/** @module Imports an NVD CVE API 2.0 page or feed file: CVSS, CWEs and references by CVE id. */
import { readNvdFile } from '../feeds/nvd/index.js';
import type { VulnDbBuilder } from './builder.js';
import type { SourceReport } from './import-report.js';

export async function importNvd(path: string, builder: VulnDbBuilder, onRecord?: () => void): Promise<SourceReport> {
  const document = await readNvdFile(path);
  const report: SourceReport = { path, feed: 'nvd', accepted: 0, added: 0, changed: 0, unchanged: 0, rejected: [...document.rejections] };
  for (const record of document.records) {
    onRecord?.();
    report.accepted++;
    report[builder.upsertCve(record)]++;
  }
  builder.recordSource({ name: 'nvd', records: report.accepted, rejected: report.rejected.length, origin: path });
  return report;
}
