/**
 * @module The `cyclonedx-json` scan report: the target's SBOM (CycloneDX 1.6) with its
 * `vulnerabilities`, each rated and pointing at the components it affects.
 * @see https://cyclonedx.org/docs/1.6/json/#vulnerabilities
 */
import type { Inventory } from '../model/inventory.js';
import type { Finding, Severity } from '../model/finding.js';
import { buildCycloneDx } from '../sbom/cyclonedx/write.js';
import type { ScanResult } from '../scan/scan-target.js';

const ratingSeverity: Record<Severity, string> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  INFORMATIONAL: 'info',
  UNTRIAGED: 'unknown',
};

const cvssMethod: Record<string, string> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

function sourceOf(id: string): { name: string; url?: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${id}` };
}

export function renderCycloneDxWithVulnerabilities(inventory: Inventory, result: ScanResult): string {
  const bom = buildCycloneDx(inventory, '1.6') as ReturnType<typeof buildCycloneDx> & { vulnerabilities?: unknown[] };
  const refByPurl = new Map<string, string>();
  for (const component of bom.components ?? []) {
    if (component.purl && component['bom-ref'] && !refByPurl.has(component.purl)) refByPurl.set(component.purl, component['bom-ref']);
  }
  const byId = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    let list = byId.get(finding.vulnerabilityId);
    if (!list) byId.set(finding.vulnerabilityId, (list = []));
    list.push(finding);
  }
  bom.vulnerabilities = [...byId.entries()].map(([id, findings]) => {
    const first = findings[0]!;
    const severity = ratingSeverity[first.severity];
    const ratings =
      first.cvss.length > 0
        ? first.cvss.map((c) => ({ source: { name: c.source }, score: c.baseScore, severity, method: cvssMethod[c.version] ?? 'other', vector: c.vector }))
        : [{ source: { name: first.scoreSource }, severity, method: 'other' }];
    return {
      'bom-ref': `vulnerability:${id}`,
      id,
      source: sourceOf(id),
      ...(first.aliases.length > 0 ? { references: first.aliases.map((alias) => ({ id: alias, source: sourceOf(alias) })) } : {}),
      ratings,
      description: first.title,
      ...(first.remediation ? { recommendation: first.remediation } : first.fixedInVersion ? { recommendation: `Upgrade to ${first.fixedInVersion}` } : {}),
      affects: findings.flatMap((f) => {
        const ref = refByPurl.get(f.package.purl);
        return ref ? [{ ref, versions: [{ version: f.package.version, status: 'affected' }] }] : [];
      }),
      properties: [
        { name: 'vigil:fix-available', value: first.fixAvailable },
        { name: 'vigil:exploit-available', value: first.exploitAvailable },
        ...(first.fixedInVersion ? [{ name: 'vigil:fixed-in-version', value: first.fixedInVersion }] : []),
        ...(first.epss ? [{ name: 'vigil:epss:score', value: String(first.epss.score) }, { name: 'vigil:epss:percentile', value: String(first.epss.percentile) }] : []),
      ],
    };
  });
  return `${JSON.stringify(bom, null, 2)}\n`;
}
