import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/finding.js';
import { countBySeverity } from '../scan/gate.js';
import type { ScanResult } from '../scan/scan-target.js';
import { renderJson, renderJsonPieces } from './json.js';

function finding(id: string, title: string): Finding {
  return {
    vulnerabilityId: id,
    aliases: [`GHSA-${id}`],
    title,
    severity: 'HIGH',
    score: 7.5,
    scoreSource: 'osv:CVSS_V3.1',
    cvss: [],
    epss: null,
    kev: null,
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    fixedInVersion: '1.2.3',
    remediation: 'npm install x@1.2.3',
    package: { ecosystem: 'npm', name: 'x', version: '1.0.0', purl: 'pkg:npm/x@1.0.0', type: 'npm', locations: [{ path: '/app/package-lock.json' }] },
    references: ['https://example.com/a'],
    evidence: [{ advisoryId: `GHSA-${id}`, ecosystem: 'npm', name: 'x', version: '1.0.0', range: 'SEMVER range: introduced 0, fixed 1.2.3' }],
  };
}

function result(findings: Finding[]): ScanResult {
  return {
    // A name that spells the findings line, to show only the real one is taken for it.
    target: { kind: 'directory', name: 'app "findings": []\n  "findings": []', path: '/app' },
    os: null,
    findings,
    warnings: [{ code: 'X', message: 'a\nb' }],
    summary: countBySeverity(findings),
  };
}

describe('renderJsonPieces', () => {
  it.each([
    ['no findings', []],
    ['one finding', [finding('CVE-2024-0001', 'plain')]],
    ['several, one with non-ASCII and line breaks', [finding('CVE-2024-0001', 'caf\u00e9 \u2019quoted\u2019'), finding('CVE-2024-0002', 'two\nlines'), finding('CVE-2024-0003', '')]],
    // More findings than one piece holds: pieces joined by commas, each indented as the report.
    ['many, over several pieces', Array.from({ length: 600 }, (_, i) => finding(`CVE-2024-${String(i).padStart(4, '0')}`, i % 7 === 0 ? 'caf\u00e9' : `t${i}`))],
  ])('joins to exactly renderJson: %s', (_name, findings) => {
    const report = result(findings as Finding[]);
    expect([...renderJsonPieces(report)].join('')).toBe(renderJson(report));
  });
});
