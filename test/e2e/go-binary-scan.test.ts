/**
 * A real Go binary shipped by a Debian package (docker-registry, built with Go 1.19.8 in GOPATH
 * mode, so its build information names only the toolchain) scanned against the real Go
 * vulnerability database. The expectation is worked out independently in this test from the raw
 * records, plus facts checked by hand.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeInventory } from '../../src/catalog/take-inventory.js';
import { scanInventory, type ScanResult } from '../../src/scan/scan-target.js';
import { importFeeds } from '../../src/vulndb/import.js';
import { VulnDbReader } from '../../src/vulndb/reader.js';

const binary = '/usr/bin/docker-registry';
const goDb = fileURLToPath(new URL('../../../shared/data/golang-vulndb/data/osv/', import.meta.url));
const ready = existsSync(binary) && existsSync(goDb);
if (!ready) console.warn(`go-binary scan skipped: needs ${binary} (Debian's docker-registry) and ${goDb}`);

/** An independent, minimal reading of the Go database: stdlib advisories whose SEMVER ranges hold go1.19.8. */
function expectedIds(): string[] {
  const parse = (v: string) => (v === '0' ? [0] : v.split('-')[0]!.split('.').map(Number));
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const installed = parse('1.19.8');
  const ids: string[] = [];
  for (const file of readdirSync(goDb).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(join(goDb, file), 'utf8'));
    if (record.withdrawn) continue;
    const hit = record.affected.some((a: { package: { name: string }; ranges?: Array<{ events: Array<Record<string, string>> }> }) =>
      a.package.name === 'stdlib' &&
      (a.ranges ?? []).some((r) => {
        let inRange = false;
        const events = [...r.events].sort((x, y) => cmp(parse(Object.values(x)[0]!), parse(Object.values(y)[0]!)));
        for (const event of events) {
          const [kind, version] = Object.entries(event)[0]!;
          if (kind === 'introduced' && cmp(parse(version), installed) <= 0) inRange = true;
          else if (kind === 'fixed' && cmp(parse(version), installed) <= 0) inRange = false;
        }
        return inRange;
      }),
    );
    if (hit) ids.push(record.id);
  }
  return ids.sort();
}

describe.skipIf(!ready)('scanning a real Go binary from a Debian package', () => {
  let work: string;
  let result: ScanResult;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vigil-go-scan-'));
    const database = join(work, 'vulndb.sqlite');
    await importFeeds([goDb], database);
    const reader = VulnDbReader.open(database);
    try {
      const inventory = await takeInventory(binary);
      expect(inventory.target).toMatchObject({ kind: 'file', path: binary });
      expect(inventory.packages.map((p) => p.purl)).toEqual(['pkg:golang/stdlib@v1.19.8']);
      result = scanInventory(inventory, reader);
    } finally {
      reader.close();
    }
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('finds exactly the standard library advisories that hold Go 1.19.8', () => {
    const found = result.findings.map((f) => [f.vulnerabilityId, ...f.aliases].find((id) => id.startsWith('GO-'))!).sort();
    expect(found).toEqual(expectedIds());
    expect(found.length).toBeGreaterThan(50);
    expect(result.warnings).toEqual([]);
  });

  it('names each by its CVE, with the nearest fixed Go release', () => {
    const byGoId = new Map(result.findings.map((f) => [[f.vulnerabilityId, ...f.aliases].find((id) => id.startsWith('GO-'))!, f]));
    // Checked by hand in the records: net/http Host header sanitisation, fixed in 1.19.11 and 1.20.6.
    expect(byGoId.get('GO-2023-1878')).toMatchObject({ vulnerabilityId: 'CVE-2023-29406', fixedInVersion: '1.19.11', fixAvailable: 'YES' });
    // html/template issues fixed only on the 1.20 and 1.21 lines (1.19 was out of support).
    expect(byGoId.get('GO-2023-2041')).toMatchObject({ vulnerabilityId: 'CVE-2023-39318', fixedInVersion: '1.20.8' });
    // Fixed in 1.19.7, before the installed 1.19.8: must not be there.
    expect(byGoId.has('GO-2023-1621')).toBe(false);
    for (const finding of result.findings) {
      expect(finding.package).toMatchObject({ name: 'stdlib', version: 'v1.19.8', ecosystem: 'Go' });
      expect(finding.remediation ?? '').toMatch(/^upgrade Go to /);
    }
  });
});
