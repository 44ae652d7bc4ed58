/** Builds a real vulnerability database file from OSV records, for matching tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOsvRecord } from '../../src/feeds/osv/parse.js';
import type { CveRecord, KevEntry } from '../../src/model/advisory.js';
import { VulnDbBuilder } from '../../src/vulndb/builder.js';
import { VulnDbReader } from '../../src/vulndb/reader.js';

export const matchFixtures = fileURLToPath(new URL('../fixtures/match/', import.meta.url));

export function buildTestDb(records: unknown[], extra: { cves?: CveRecord[]; kev?: KevEntry[] } = {}): { reader: VulnDbReader; path: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-vulndb-test-'));
  const path = join(dir, 'vulndb.sqlite');
  const builder = VulnDbBuilder.open(path);
  for (const record of records) {
    const parsed = parseOsvRecord(record, 'test');
    if (!parsed.ok) throw new Error(`fixture record rejected: ${parsed.rejection.id}: ${parsed.rejection.reason}`);
    builder.upsertAdvisory(parsed.advisory);
  }
  for (const cve of extra.cves ?? []) builder.upsertCve(cve);
  if (extra.kev) builder.replaceKev(extra.kev);
  builder.commit();
  const reader = VulnDbReader.open(path);
  return { reader, path, dispose: () => (reader.close(), rmSync(dir, { recursive: true, force: true })) };
}

export function fixtureAdvisories(): unknown[] {
  return JSON.parse(readFileSync(`${matchFixtures}advisories.json`, 'utf8')) as unknown[];
}
