import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestDb, fixtureAdvisories } from '../../test/harness/vulndb.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { buildFindings } from './findings.js';
import { matchInventory } from './match-inventory.js';

function lang(type: Package['type'], ecosystem: string, name: string, version: string, path = '/app/lock'): Package {
  return { name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, locations: [{ path }], foundBy: 'test' };
}

function inventory(packages: Package[]): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    packages,
    warnings: [],
    catalogers: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'vigil', version: 'test' },
  };
}

describe('findings', () => {
  let db: ReturnType<typeof buildTestDb>;
  beforeAll(() => {
    // A made-up flaw (year 2099) in two modules, only one of which has a fix.
    const partial = {
      id: 'GO-2099-0001',
      modified: '2099-01-01T00:00:00Z',
      aliases: ['CVE-2099-0001'],
      affected: [
        { package: { ecosystem: 'Go', name: 'example.com/fixed' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }] },
        { package: { ecosystem: 'Go', name: 'example.com/unfixed' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] },
      ],
    };
    db = buildTestDb([...fixtureAdvisories(), partial], {
      cves: [
        {
          id: 'CVE-2021-44228',
          description: 'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints.',
          cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10, source: 'nvd@nist.gov', type: 'Primary' }],
          cwes: ['CWE-502'],
          references: [{ type: 'WEB', url: 'https://logging.apache.org/log4j/2.x/security.html' }],
        },
      ],
      kev: [{ cveId: 'CVE-2021-44228', dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known', cwes: ['CWE-20'] }],
    });
  });
  afterAll(() => db.dispose());

  const findingsOf = (packages: Package[]) => buildFindings(matchInventory(inventory(packages), db.reader).matches, db.reader);

  it('merges a GHSA and a CVE for one flaw into one finding named by the CVE', () => {
    const [finding, ...rest] = findingsOf([lang('npm', 'npm', 'lodash', '4.17.20')]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      vulnerabilityId: 'CVE-2021-23337',
      aliases: ['GHSA-35jh-r3h4-6jhm'],
      title: 'Command Injection in lodash',
      fixAvailable: 'YES',
      fixedInVersion: '4.17.21',
      remediation: 'npm install lodash@4.17.21',
      severity: 'HIGH',
      score: 7.2,
    });
    expect(finding!.evidence.map((e) => e.advisoryId).sort()).toEqual(['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm']);
    expect(finding!.package).toMatchObject({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' });
  });

  it('adds KEV, NVD and CWE context, and marks the exploit known', () => {
    const [finding] = findingsOf([lang('maven', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1')]);
    expect(finding).toMatchObject({
      vulnerabilityId: 'CVE-2021-44228',
      severity: 'CRITICAL',
      score: 10,
      exploitAvailable: 'YES',
      kev: { dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known' },
      fixedInVersion: '2.15.0',
    });
    expect(finding!.cvss.length).toBeGreaterThan(0);
    expect(finding!.references).toContain('https://logging.apache.org/log4j/2.x/security.html');
  });

  it('uses the textual severity when no vector is known', () => {
    const [finding] = findingsOf([lang('pypi', 'PyPI', 'jinja2', '3.1.2')]);
    expect(finding).toMatchObject({ vulnerabilityId: 'CVE-2024-22195', severity: 'MEDIUM', score: null });
    expect(finding!.scoreSource).toMatch(/database_specific|ghsa/i);
    expect(finding!.remediation).toBe("pip install 'jinja2>=3.1.3'");
  });

  it('gives each package of a flaw its own finding and fix', () => {
    const findings = findingsOf([lang('golang', 'Go', 'golang.org/x/net', 'v0.15.0'), lang('golang', 'Go', 'stdlib', 'v1.21.1')]);
    expect(findings.map((f) => `${f.vulnerabilityId} ${f.package.name} ${f.fixAvailable} ${f.fixedInVersion}`).sort()).toEqual([
      'CVE-2023-39325 golang.org/x/net YES 0.17.0',
      'CVE-2023-39325 stdlib YES 1.21.3',
    ]);
    expect(findings[0]!.aliases).toEqual(['GHSA-4374-p667-p6c8', 'GO-2023-2102']);
  });

  it('is PARTIAL when one flaw hits several packages and only some have a fix', () => {
    const findings = findingsOf([lang('golang', 'Go', 'example.com/fixed', 'v1.0.0'), lang('golang', 'Go', 'example.com/unfixed', 'v1.0.0')]);
    expect(findings.map((f) => `${f.vulnerabilityId} ${f.package.name} ${f.fixAvailable} ${f.fixedInVersion}`).sort()).toEqual([
      'CVE-2099-0001 example.com/fixed PARTIAL 1.1.0',
      'CVE-2099-0001 example.com/unfixed PARTIAL null',
    ]);
  });
});
