/** @module Imports EPSS scores (plain or gzip CSV, with or without the #model_version line). */
import { readEpssFile } from '../feeds/epss/index.js';
import type { VulnDbBuilder } from './builder.js';
import type { SourceReport } from './import-report.js';

export async function importEpss(path: string, builder: VulnDbBuilder, onRecord?: () => void): Promise<SourceReport> {
  const report: SourceReport = { path, feed: 'epss', accepted: 0, added: 0, changed: 0, unchanged: 0, rejected: [] };
  let origin = path;
  for await (const item of readEpssFile(path)) {
    if ('model' in item) {
      origin = `${path} (${[item.model.modelVersion, item.model.scoreDate].filter(Boolean).join(', ')})`;
      continue;
    }
    if ('error' in item) {
      report.rejected.push(item.error);
      continue;
    }
    onRecord?.();
    report.accepted++;
    // Scores are replaced wholesale every day; each is written, and counted as accepted only.
    builder.putEpss(item.score);
  }
  report.unchanged = 0;
  builder.recordSource({ name: 'epss', records: report.accepted, rejected: report.rejected.length, origin });
  return report;
}
