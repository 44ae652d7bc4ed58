import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory, AffectedPackage } from '../model/advisory.js';
import { VulnDbBuilder } from './builder.js';
import { VulnDbReader } from './reader.js';

function affected(ecosystem: string, name: string, fixed: string): AffectedPackage {
  return { ecosystem, name, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }], versions: [], severity: [] };
}

function advisory(id: string, entries: AffectedPackage[]): Advisory {
  return { id, aliases: [], related: [], modified: '2024-01-01T00:00:00Z', severity: [], affected: entries, references: [], cwes: [], source: 'osv' };
}

describe('VulnDbReader candidates', () => {
  let work: string;
  let path: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-reader-test-'));
    path = join(work, 'vulndb.sqlite');
    const builder = VulnDbBuilder.open(path);
    // Written out of id order; one advisory names two packages, one names a package twice, and
    // one id sorts differently by UTF-8 bytes (SQLite) than by UTF-16 units (JavaScript).
    builder.upsertAdvisory(advisory('GO-3', [affected('Go', 'example.com/a', '1.3.0')]));
    builder.upsertAdvisory(advisory('GO-1', [affected('Go', 'example.com/a', '1.1.0'), affected('Go', 'example.com/b', '2.1.0')]));
    builder.upsertAdvisory(advisory('GO-2', [affected('Go', 'example.com/a', '1.2.0'), affected('Go', 'example.com/a', '1.2.5')]));
    builder.upsertAdvisory(advisory('GO-\u{1F600}', [affected('Go', 'example.com/c', '3.0.0')]));
    builder.upsertAdvisory(advisory('GO-\uFF21', [affected('Go', 'example.com/c', '3.1.0')]));
    builder.upsertAdvisory(advisory('PY-1', [affected('PyPI', 'example.com/a', '9.0.0')]));
    builder.commit();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads many packages of one ecosystem at once, each as it reads one', () => {
    const reader = VulnDbReader.open(path, { remember: false });
    try {
      const names = ['example.com/a', 'example.com/missing', 'example.com/b', 'example.com/c', 'example.com/a'];
      const found = reader.candidatesIn('Go', names);
      expect([...found.keys()]).toEqual(['example.com/a', 'example.com/missing', 'example.com/b', 'example.com/c']);
      for (const name of found.keys()) expect(found.get(name)).toEqual(reader.candidatesFor('Go', name));

      const a = found.get('example.com/a')!;
      expect(a.map((c) => c.advisoryId)).toEqual(['GO-1', 'GO-2', 'GO-3']);
      expect(a.map((c) => c.entries.map((e) => e.ranges[0]!.events[1]))).toEqual([[{ fixed: '1.1.0' }], [{ fixed: '1.2.0' }, { fixed: '1.2.5' }], [{ fixed: '1.3.0' }]]);
      expect(a.every((c) => c.ecosystem === 'Go')).toBe(true);
      expect(found.get('example.com/missing')).toEqual([]);
      expect(found.get('example.com/b')!.map((c) => c.entries[0]!.name)).toEqual(['example.com/b']);
      // UTF-16 order (SQLite's UTF-8 order is the reverse): U+1F600's surrogate pair is below U+FF21.
      expect(found.get('example.com/c')!.map((c) => c.advisoryId)).toEqual(['GO-\u{1F600}', 'GO-\uFF21']);
    } finally {
      reader.close();
    }
  });
});
