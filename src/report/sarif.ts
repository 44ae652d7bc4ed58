/**
 * @module The `sarif` scan report: SARIF 2.1.0, one rule per vulnerability, one result per finding,
 * for code-scanning dashboards.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Finding, Severity } from '../model/finding.js';
import type { ScanResult } from '../scan/scan-target.js';
import { vigilVersion } from '../version.js';

const levels: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  INFORMATIONAL: 'note',
  UNTRIAGED: 'warning',
};

/** A relative URI for a location inside the target (SARIF wants URIs, not absolute host paths). */
function artifactUri(path: string): string {
  return encodeURI(path.replace(/^\/+/, '').replace(/!\//g, '/'));
}

function ruleFor(finding: Finding) {
  return {
    id: finding.vulnerabilityId,
    shortDescription: { text: finding.title },
    fullDescription: { text: `${finding.vulnerabilityId}: ${finding.title}` },
    ...(finding.references[0] ? { helpUri: finding.references[0] } : {}),
    help: { text: finding.remediation ?? (finding.fixedInVersion ? `Upgrade to ${finding.fixedInVersion}` : 'No fix is available yet.') },
    properties: {
      // GitHub code scanning ranks results by this property.
      ...(finding.score !== null ? { 'security-severity': finding.score.toFixed(1) } : {}),
      tags: ['security', 'vulnerability', finding.severity.toLowerCase()],
    },
  };
}

export function renderSarif(result: ScanResult): string {
  const rules = new Map<string, ReturnType<typeof ruleFor>>();
  for (const finding of result.findings) if (!rules.has(finding.vulnerabilityId)) rules.set(finding.vulnerabilityId, ruleFor(finding));
  const ruleIndex = new Map([...rules.keys()].map((id, index) => [id, index]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'vigil', version: vigilVersion, informationUri: 'https://github.com/vigil', rules: [...rules.values()] } },
        results: result.findings.map((finding) => ({
          ruleId: finding.vulnerabilityId,
          ruleIndex: ruleIndex.get(finding.vulnerabilityId),
          level: levels[finding.severity],
          message: {
            text: `${finding.package.name} ${finding.package.version} is affected by ${finding.vulnerabilityId} (${finding.severity})${
              finding.fixedInVersion ? `; fixed in ${finding.fixedInVersion}` : ''
            }`,
          },
          locations: (finding.package.locations.length > 0 ? finding.package.locations : [{ path: '/' }]).map((location) => ({
            physicalLocation: { artifactLocation: { uri: artifactUri(location.path) } },
          })),
          partialFingerprints: { vigilFinding: `${finding.vulnerabilityId}|${finding.package.purl}` },
          properties: { purl: finding.package.purl, fixAvailable: finding.fixAvailable, exploitAvailable: finding.exploitAvailable },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
