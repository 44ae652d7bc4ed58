/**
 * Scan findings for the findings tests, built from real facts: CVE ids, packages, fixed versions,
 * CVSS 3.1 vectors and base scores as NVD publishes them, CISA KEV dates from the catalog version
 * 2025.08.25 (../shared/data/cisa-kev) and EPSS scores from ../shared/data/epss. Only the installed
 * versions and file paths are ours. Plus the stored and resource shapes the lifecycle works on, and
 * fast-check arbitraries over them.
 */
import fc from 'fast-check';
import type { Finding } from '../../src/model/finding.js';
import type { Location, PackageType } from '../../src/model/package.js';
import type { ResourceFacts, StoredFinding } from '../../src/findings/model.js';
import { findingFilePath } from '../../src/findings/model.js';
import { vigilScore } from '../../src/findings/vigil-score.js';

interface Fact {
  vulnerabilityId: string;
  aliases: string[];
  title: string;
  vector: string;
  score: number;
  epss: { score: number; percentile: number } | null;
  kev: Finding['kev'];
  ecosystem: string;
  name: string;
  type: PackageType;
  installed: string;
  fixed: string | null;
  path: string;
  purl: (version: string) => string;
}

const severityOf = (score: number): Finding['severity'] => (score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : score > 0 ? 'LOW' : 'INFORMATIONAL');

export const facts = {
  /** Log4Shell. */
  log4shell: {
    vulnerabilityId: 'CVE-2021-44228',
    aliases: ['GHSA-jfh8-c2jp-5v3q'],
    title: 'Remote code injection in Log4j',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    score: 10.0,
    epss: { score: 0.99999, percentile: 1.0 },
    kev: { dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known' },
    ecosystem: 'Maven',
    name: 'org.apache.logging.log4j:log4j-core',
    type: 'maven',
    installed: '2.14.1',
    fixed: '2.15.0',
    path: '/app/lib/log4j-core-2.14.1.jar',
    purl: (v) => `pkg:maven/org.apache.logging.log4j/log4j-core@${v}`,
  },
  /** The incomplete Log4Shell fix. */
  log4jFollowUp: {
    vulnerabilityId: 'CVE-2021-45046',
    aliases: ['GHSA-7rjr-3q55-vv33'],
    title: 'Incomplete fix for Apache Log4j vulnerability',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H',
    score: 9.0,
    epss: null,
    kev: { dateAdded: '2023-05-01', dueDate: '2023-05-22', knownRansomwareCampaignUse: 'Known' },
    ecosystem: 'Maven',
    name: 'org.apache.logging.log4j:log4j-core',
    type: 'maven',
    installed: '2.14.1',
    fixed: '2.16.0',
    path: '/app/lib/log4j-core-2.14.1.jar',
    purl: (v) => `pkg:maven/org.apache.logging.log4j/log4j-core@${v}`,
  },
  /** Heartbleed, in Debian 7's openssl (fixed by DSA-2896-1). */
  heartbleed: {
    vulnerabilityId: 'CVE-2014-0160',
    aliases: ['DSA-2896-1'],
    title: 'OpenSSL TLS heartbeat read overrun (Heartbleed)',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    score: 7.5,
    epss: { score: 0.99999, percentile: 0.99997 },
    kev: { dateAdded: '2022-05-04', dueDate: '2022-05-25', knownRansomwareCampaignUse: 'Unknown' },
    ecosystem: 'Debian:7',
    name: 'openssl',
    type: 'deb',
    installed: '1.0.1e-2+deb7u4',
    fixed: '1.0.1e-2+deb7u5',
    path: '/var/lib/dpkg/status',
    purl: (v) => `pkg:deb/debian/openssl@${v}?arch=amd64&distro=debian-7`,
  },
  /** OpenSSL 3.0 punycode buffer overflow. */
  punycode: {
    vulnerabilityId: 'CVE-2022-3602',
    aliases: [],
    title: 'X.509 Email Address 4-byte Buffer Overflow',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    score: 7.5,
    epss: { score: 0.9077, percentile: 0.99797 },
    kev: null,
    ecosystem: 'Rocky Linux:9',
    name: 'openssl',
    type: 'rpm',
    installed: '1:3.0.1-41.el9_0',
    fixed: '1:3.0.1-43.el9_0',
    path: '/var/lib/rpm/rpmdb.sqlite',
    purl: (v) => `pkg:rpm/rocky/openssl@${v.replace(/^\d+:/, '')}?arch=x86_64&epoch=1&distro=rocky-9`,
  },
  /** lodash command injection through template. */
  lodash: {
    vulnerabilityId: 'CVE-2021-23337',
    aliases: ['GHSA-35jh-r3h4-6jhm'],
    title: 'Command Injection in lodash',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
    score: 7.2,
    epss: { score: 0.21333, percentile: 0.97387 },
    kev: null,
    ecosystem: 'npm',
    name: 'lodash',
    type: 'npm',
    installed: '4.17.20',
    fixed: '4.17.21',
    path: '/srv/web/package-lock.json',
    purl: (v) => `pkg:npm/lodash@${v}`,
  },
  /** HTTP/2 Rapid Reset in golang.org/x/net. */
  rapidReset: {
    vulnerabilityId: 'CVE-2023-44487',
    aliases: ['GHSA-qppj-fm5r-hxr3', 'GO-2023-2102'],
    title: 'HTTP/2 rapid reset can cause excessive work in net/http',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    score: 7.5,
    epss: { score: 0.99999, percentile: 0.99997 },
    kev: { dateAdded: '2023-10-10', dueDate: '2023-10-31', knownRansomwareCampaignUse: 'Unknown' },
    ecosystem: 'Go',
    name: 'golang.org/x/net',
    type: 'golang',
    installed: '0.15.0',
    fixed: '0.17.0',
    path: '/usr/local/bin/api',
    purl: (v) => `pkg:golang/golang.org/x/net@v${v}`,
  },
} satisfies Record<string, Fact>;

export type FactName = keyof typeof facts;
export const factNames = Object.keys(facts) as FactName[];

export interface FindingOptions {
  version?: string;
  path?: string;
  layerDigest?: string;
  /** Replace the score, or drop it (null: only a textual rating is known). */
  score?: number | null;
  epss?: Finding['epss'];
}

/** The `vigil scan` finding of one fact, optionally at another installed version or path. */
export function scanFinding(name: FactName, options: FindingOptions = {}): Finding {
  const fact: Fact = facts[name];
  const version = options.version ?? fact.installed;
  const score = options.score === undefined ? fact.score : options.score;
  const location: Location = { path: options.path ?? fact.path, ...(options.layerDigest ? { layer: { index: 1, digest: options.layerDigest } } : {}) };
  return {
    vulnerabilityId: fact.vulnerabilityId,
    aliases: [...fact.aliases].sort(),
    title: fact.title,
    severity: score === null ? 'HIGH' : severityOf(score),
    score,
    scoreSource: score === null ? 'ghsa:database_specific' : 'nvd@nist.gov:CVSS_V3.1',
    cvss: score === null ? [] : [{ version: '3.1', vector: fact.vector, baseScore: score, source: 'nvd@nist.gov' }],
    epss: options.epss === undefined ? fact.epss : options.epss,
    kev: fact.kev,
    exploitAvailable: fact.kev ? 'YES' : 'NO',
    fixAvailable: fact.fixed ? 'YES' : 'NO',
    fixedInVersion: fact.fixed,
    remediation: null,
    package: { ecosystem: fact.ecosystem, name: fact.name, version, purl: fact.purl(version), type: fact.type, locations: [location] },
    references: [`https://nvd.nist.gov/vuln/detail/${fact.vulnerabilityId}`],
    evidence: [{ advisoryId: fact.aliases[0] ?? fact.vulnerabilityId, ecosystem: fact.ecosystem, name: fact.name, version, range: fact.fixed ? `introduced 0, fixed ${fact.fixed}` : 'introduced 0' }],
  };
}

export const host: ResourceFacts = {
  accountId: '111122223333',
  region: 'eu-west-1',
  resourceId: 'host-web-1',
  resourceType: 'HOST',
  resourceTags: { env: 'prod', team: 'payments' },
};

export const image: ResourceFacts = {
  accountId: '111122223333',
  region: 'eu-west-1',
  resourceId: 'sha256:4c7f1a0e2b7e',
  resourceType: 'CONTAINER_IMAGE',
  resourceTags: { env: 'staging' },
};

/** A stored finding made directly (for criteria and sort tests), ACTIVE unless told. */
export function storedFinding(id: string, body: Finding, resource: ResourceFacts = host, overrides: Partial<Pick<StoredFinding, 'firstObservedAt' | 'lastObservedAt' | 'updatedAt' | 'suppressedBy'>> & { status?: 'ACTIVE' | 'SUPPRESSED' } = {}): StoredFinding {
  const { score, adjustments } = vigilScore(body);
  return {
    id,
    accountId: resource.accountId,
    region: resource.region,
    resourceId: resource.resourceId,
    resourceType: resource.resourceType,
    type: 'PACKAGE_VULNERABILITY',
    packageEcosystem: body.package.ecosystem,
    packageName: body.package.name,
    filePath: findingFilePath(body),
    firstObservedAt: overrides.firstObservedAt ?? '2024-05-01T10:00:00.000Z',
    lastObservedAt: overrides.lastObservedAt ?? '2024-05-02T10:00:00.000Z',
    updatedAt: overrides.updatedAt ?? '2024-05-01T10:00:00.000Z',
    vigilScore: score,
    scoreAdjustments: adjustments,
    suppressedBy: overrides.suppressedBy ?? [],
    body,
    status: overrides.status ?? 'ACTIVE',
    closedAt: null,
    closeReason: null,
  };
}

export function closedFinding(finding: StoredFinding, closedAt: string, reason: 'NOT_OBSERVED' | 'RESOURCE_DELETED' = 'NOT_OBSERVED'): StoredFinding {
  return { ...finding, status: 'CLOSED', closedAt, closeReason: reason, updatedAt: closedAt, suppressedBy: [] };
}

/** An id source counting up: "f-1", "f-2", … */
export function counterIds(prefix = 'f'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** A scan: some of the facts, each at one of a few versions and paths (duplicates included). */
export const arbScan: fc.Arbitrary<Finding[]> = fc.array(
  fc.record({
    name: fc.constantFrom(...factNames),
    version: fc.constantFrom(undefined, '9.9.9', '0.0.1'),
    path: fc.constantFrom(undefined, '/opt/other/path'),
    epss: fc.constantFrom<Finding['epss'] | undefined>(undefined, null, { score: 0.5, percentile: 0.9 }),
  }),
  { maxLength: 12 },
).map((picks) => picks.map((p) => scanFinding(p.name, { ...(p.version ? { version: p.version } : {}), ...(p.path ? { path: p.path } : {}), ...(p.epss !== undefined ? { epss: p.epss } : {}) })));
