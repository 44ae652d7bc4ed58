import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestDb, fixtureAdvisories } from '../../test/harness/vulndb.js';
import type { Distro } from '../model/distro.js';
import { findingJson } from '../model/finding-json.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { buildFindings } from './findings.js';
import { inventoryFindings } from './inventory-findings.js';
import { matchInventory } from './match-inventory.js';

function inventory(packages: Package[], distro?: Partial<Distro>): Inventory {
  return {
    target: { kind: 'directory', name: 'test', path: '/test' },
    ...(distro ? { distro: { idLike: [], source: '/etc/os-release', id: 'x', ...distro } } : {}),
    packages,
    warnings: [],
    catalogers: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'vigil', version: 'test' },
  };
}

function os(type: 'deb' | 'rpm' | 'apk', name: string, version: string, source?: string, path = '/var/lib/dpkg/status'): Package {
  return { name, version, type, purl: `pkg:${type}/x/${name}@${version}`, ...(source ? { source: { name: source, version } } : {}), locations: [{ path }], foundBy: 'test' };
}

function lang(type: Package['type'], ecosystem: string, name: string, version: string, path = '/app/lock'): Package {
  return { name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, locations: [{ path }], foundBy: 'test' };
}

/** The same packages found elsewhere: other paths and purls, other objects. */
function elsewhere(inv: Inventory): Inventory {
  return { ...inv, packages: inv.packages.map((p) => ({ ...p, purl: `${p.purl}?moved=1`, locations: [{ path: `/elsewhere${p.locations[0]?.path ?? ''}` }] })) };
}

const languagePackages = () => [
  lang('npm', 'npm', 'lodash', '4.17.20'),
  lang('npm', 'npm', 'lodash', 'not a version'),
  lang('pypi', 'PyPI', 'Jinja2', '3.1.2'),
  lang('golang', 'Go', 'golang.org/x/net', 'v0.15.0'),
  lang('golang', 'Go', 'stdlib', 'v1.21.1'),
  lang('golang', 'Go', 'example.com/fixed', 'v1.0.0'),
  lang('golang', 'Go', 'example.com/unfixed', 'v1.0.0'),
  lang('maven', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'),
  lang('npm', 'Pub', 'http', '1.0.0'),
  lang('npm', 'Pub', 'path', '1.0.0'),
  lang('npm', 'npm', 'left-pad', '1.3.0'),
];

const inventories: Array<[string, () => Inventory]> = [
  [
    'Debian with language packages, unparseable versions and ecosystems without an ordering',
    () =>
      inventory(
        [
          os('deb', 'libssl3', '3.0.11-1~deb12u1', 'openssl'),
          os('deb', 'openssl', '3.0.11-1~deb12u1', 'openssl'),
          os('deb', 'bash', '5.2.15-2'),
          os('rpm', 'stray', '1.0-1'),
          os('rpm', 'stray2', '1.0-1'),
          ...languagePackages(),
          // The same package twice, at two paths.
          lang('npm', 'npm', 'lodash', '4.17.20', '/other/lock'),
        ],
        { id: 'debian', versionId: '12' },
      ),
  ],
  ['Red Hat 9: any stream of the release, never another release', () => inventory([os('rpm', 'openssl-libs', '1:3.0.7-27.el9', 'openssl', '/var/lib/rpm'), os('rpm', 'bash', '5.1.8-6.el9')], { id: 'rhel', versionId: '9.4' })],
  ['Alpine and Ubuntu releases', () => inventory([os('apk', 'libcrypto3', '3.1.2-r0', 'openssl', '/lib/apk/db/installed')], { id: 'alpine', versionId: '3.18.4' })],
  ['Ubuntu 22.04', () => inventory([os('deb', 'libssl3', '3.0.2-0ubuntu1.6', 'openssl')], { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.3 LTS' })],
  ['no distribution', () => inventory([os('deb', 'bash', '5.2-1'), ...languagePackages()])],
];

describe('inventoryFindings', () => {
  let db: ReturnType<typeof buildTestDb>;
  beforeAll(() => {
    const redHat = (id: string, stream: string, fixed: string) => ({
      id,
      modified: '2099-01-01T00:00:00Z',
      aliases: ['CVE-2023-0286'],
      affected: [{ package: { ecosystem: stream, name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    });
    const partial = {
      id: 'GO-2099-0001',
      modified: '2099-01-01T00:00:00Z',
      aliases: ['CVE-2099-0001'],
      affected: [
        { package: { ecosystem: 'Go', name: 'example.com/fixed' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }] },
        { package: { ecosystem: 'Go', name: 'example.com/unfixed' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] },
      ],
    };
    db = buildTestDb(
      [
        ...fixtureAdvisories(),
        partial,
        redHat('RHSA-2099:0001', 'Red Hat:enterprise_linux:9::appstream', '1:3.0.7-28.el9'),
        redHat('RHSA-2099:0002', 'Red Hat:enterprise_linux:9::baseos', '1:3.0.7-29.el9'),
        redHat('RHSA-2099:0003', 'Red Hat:enterprise_linux:8::baseos', '1:3.0.7-30.el8'),
      ],
      {
        cves: [
          {
            id: 'CVE-2021-44228',
            cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10, source: 'nvd@nist.gov', type: 'Primary' }],
            cwes: ['CWE-502'],
            references: [{ type: 'WEB', url: 'https://logging.apache.org/log4j/2.x/security.html' }],
          },
        ],
        kev: [{ cveId: 'CVE-2021-44228', dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known', cwes: [] }],
      },
    );
  });
  afterAll(() => db.dispose());

  /** What matchInventory then buildFindings give, computed afresh. */
  const expected = (inv: Inventory) => {
    const matched = matchInventory(inv, db.reader);
    return { findings: buildFindings(matched.matches, db.reader, inv.distro), warnings: matched.warnings };
  };

  it.each(inventories)('gives what matching then building give, first and every later time: %s', (_name, make) => {
    const inv = make();
    const want = expected(inv);
    expect(want.findings.length).toBeGreaterThan(0);
    expect(inventoryFindings(inv, db.reader)).toEqual(want);
    expect(inventoryFindings(inv, db.reader)).toEqual(want);
    const moved = elsewhere(inv);
    const again = inventoryFindings(moved, db.reader);
    expect(again).toEqual(expected(moved));
    // Remembered findings' text is made from their sources' (and PARTIAL is settled after copying).
    for (const finding of [...again.findings, ...inventoryFindings(inv, db.reader).findings]) expect(findingJson(finding)).toBe(JSON.stringify(finding));
  });

  it('mixes remembered and new packages in inventory order, PARTIAL across both', () => {
    inventoryFindings(inventory([lang('golang', 'Go', 'example.com/fixed', 'v1.0.0'), lang('npm', 'npm', 'lodash', '4.17.20')]), db.reader);
    const mixed = inventory([lang('npm', 'Pub', 'http', '1.0.0'), lang('golang', 'Go', 'example.com/unfixed', 'v1.0.0'), ...languagePackages().reverse()]);
    const result = inventoryFindings(mixed, db.reader);
    expect(result).toEqual(expected(mixed));
    expect(result.findings.filter((f) => f.vulnerabilityId === 'CVE-2099-0001').map((f) => f.fixAvailable)).toEqual(['PARTIAL', 'PARTIAL', 'PARTIAL']);
    for (const finding of result.findings) expect(findingJson(finding)).toBe(JSON.stringify(finding));
  });

  it('hands out findings a caller may change without changing the next scan', () => {
    const inv = inventory([lang('maven', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1')]);
    const first = inventoryFindings(inv, db.reader).findings[0]!;
    const pristine = structuredClone(first);
    first.aliases.push('MINE-1');
    first.references.length = 0;
    first.title = 'changed';
    first.package.locations = [];
    const next = inventoryFindings(inv, db.reader).findings[0]!;
    expect(next).toEqual(pristine);
    expect(findingJson(next)).toBe(JSON.stringify(pristine));
    next.aliases.push('MINE-2');
    expect(findingJson(next)).toBe(JSON.stringify(next));
  });
});
