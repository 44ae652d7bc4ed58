/** @module Imports the CISA KEV catalog, which replaces the previous one whole. */
import { readKevFile } from '../feeds/kev/index.js';
import type { VulnDbBuilder } from './builder.js';
import type { SourceReport } from './import-report.js';

export async function importKev(path: string, builder: VulnDbBuilder): Promise<SourceReport> {
  const catalog = await readKevFile(path);
  const counts = builder.replaceKev(catalog.entries);
  const unchanged = catalog.entries.length - counts.added - counts.changed;
  builder.recordSource({ name: 'kev', records: catalog.entries.length, rejected: catalog.rejections.length, origin: path });
  return {
    path,
    feed: 'kev',
    accepted: catalog.entries.length,
    added: counts.added,
    changed: counts.changed,
    unchanged,
    removed: counts.removed,
    rejected: catalog.rejections,
  };
}
