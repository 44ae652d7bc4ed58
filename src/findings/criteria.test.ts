import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { host, image, scanFinding, storedFinding } from '../../test/harness/findings.js';
import { compileCriteria, MAX_ENTRIES_PER_KEY, packageParts, parseCriteria, type FilterCriteria } from './criteria.js';
import type { StoredFinding } from './model.js';

const log4shell = storedFinding('log4shell', scanFinding('log4shell'), host, { firstObservedAt: '2024-05-01T10:00:00Z' });
const followUp = storedFinding('followUp', scanFinding('log4jFollowUp'), host);
const heartbleed = storedFinding('heartbleed', scanFinding('heartbleed'), host, { firstObservedAt: '2024-06-15T00:00:00Z' });
const punycode = storedFinding('punycode', scanFinding('punycode'), image);
const lodash = storedFinding('lodash', scanFinding('lodash', { layerDigest: 'sha256:aaaa' }), image, { status: 'SUPPRESSED', suppressedBy: ['r'] });
const rapidReset = storedFinding('rapidReset', scanFinding('rapidReset', { score: null }), image);
const closedOne: StoredFinding = { ...storedFinding('closed', scanFinding('lodash', { path: '/old/package-lock.json' }), host), status: 'CLOSED', closedAt: '2024-05-03T00:00:00Z', closeReason: 'NOT_OBSERVED' };
const all = [log4shell, followUp, heartbleed, punycode, lodash, rapidReset, closedOne];
const resourceOf = (f: StoredFinding) => (f.resourceId === host.resourceId ? host : image);

function select(criteria: unknown, options?: { defaultStatusFilter?: boolean }): string[] {
  const parsed = parseCriteria(criteria);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const matches = compileCriteria(parsed.criteria, options);
  return all.filter((f) => matches(f, resourceOf(f))).map((f) => f.id);
}

const eq = (value: string) => ({ comparison: 'EQUALS', value });
const prefix = (value: string) => ({ comparison: 'PREFIX', value });
const ne = (value: string) => ({ comparison: 'NOT_EQUALS', value });

describe('compileCriteria', () => {
  it.each<[string, unknown, string[]]>([
    ['nothing: every ACTIVE finding', {}, ['log4shell', 'followUp', 'heartbleed', 'punycode', 'rapidReset']],
    ['severity CRITICAL', { severity: [eq('CRITICAL')] }, ['log4shell', 'followUp']],
    ['values OR-ed within a key', { severity: [eq('CRITICAL'), eq('HIGH')] }, ['log4shell', 'followUp', 'heartbleed', 'punycode', 'rapidReset']],
    ['keys AND-ed', { severity: [eq('HIGH')], resourceType: [eq('CONTAINER_IMAGE')] }, ['punycode', 'rapidReset']],
    ['NOT_EQUALS entries AND-ed', { vulnerabilityId: [ne('CVE-2021-44228'), ne('CVE-2014-0160')] }, ['followUp', 'punycode', 'rapidReset']],
    ['PREFIX OR EQUALS, AND NOT_EQUALS', { vulnerabilityId: [prefix('CVE-2021-'), eq('CVE-2014-0160'), ne('CVE-2021-45046')] }, ['log4shell', 'heartbleed']],
    ['PREFIX', { vulnerabilityId: [prefix('CVE-2021-4')] }, ['log4shell', 'followUp']],
    ['case-sensitive', { packageEcosystem: [eq('maven')] }, []],
    ['findingStatus SUPPRESSED', { findingStatus: [eq('SUPPRESSED')] }, ['lodash']],
    ['findingStatus NOT_EQUALS ACTIVE', { findingStatus: [ne('ACTIVE')] }, ['lodash', 'closed']],
    ['accountId', { accountId: [eq('111122223333')], resourceId: [eq('host-web-1')] }, ['log4shell', 'followUp', 'heartbleed']],
    ['resource tag with value', { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'staging' }] }, ['punycode', 'rapidReset']],
    ['resource tag key only', { resourceTags: [{ comparison: 'EQUALS', key: 'team' }] }, ['log4shell', 'followUp', 'heartbleed']],
    ['resource tags OR-ed', { resourceTags: [{ comparison: 'EQUALS', key: 'team', value: 'payments' }, { comparison: 'EQUALS', key: 'env', value: 'staging' }] }, ['log4shell', 'followUp', 'heartbleed', 'punycode', 'rapidReset']],
    ['exploitAvailable YES', { exploitAvailable: [eq('YES')] }, ['log4shell', 'followUp', 'heartbleed', 'rapidReset']],
    ['fixAvailable NO', { fixAvailable: [eq('NO')] }, []],
    ['vigilScore range', { vigilScore: [{ lowerInclusive: 8.5, upperInclusive: 9.9 }] }, ['heartbleed']],
    ['vigilScore ranges OR-ed', { vigilScore: [{ lowerInclusive: 10 }, { upperInclusive: 7.5 }] }, ['log4shell', 'followUp', 'punycode']],
    ['no Vigil score matches no range', { vigilScore: [{ lowerInclusive: 0 }] }, ['log4shell', 'followUp', 'heartbleed', 'punycode']],
    ['epssScore at least 0.95; no EPSS matches nothing', { epssScore: [{ lowerInclusive: 0.95 }] }, ['log4shell', 'heartbleed', 'rapidReset']],
    ['firstObservedAt range by date', { firstObservedAt: [{ startInclusive: '2024-06-01', endInclusive: '2024-06-30' }] }, ['heartbleed']],
    ['firstObservedAt inclusive end', { firstObservedAt: [{ endInclusive: '2024-05-01T10:00:00Z' }] }, ['log4shell', 'followUp', 'punycode', 'rapidReset']],
    ['title', { title: [prefix('Incomplete fix')] }, ['followUp']],
    ['filePath', { filePath: [prefix('/var/lib/')] }, ['heartbleed', 'punycode']],
    ['package name', { vulnerablePackages: [{ name: eq('openssl') }] }, ['heartbleed', 'punycode']],
    ['package name AND version within one entry', { vulnerablePackages: [{ name: eq('openssl'), version: prefix('1:') }] }, ['punycode']],
    ['package entries OR-ed', { vulnerablePackages: [{ name: eq('lodash') }, { name: prefix('golang.org/') }] }, ['rapidReset']],
    ['package epoch', { vulnerablePackages: [{ epoch: { lowerInclusive: 1 } }] }, ['punycode']],
    ['package release', { vulnerablePackages: [{ release: eq('2+deb7u4') }] }, ['heartbleed']],
    ['package architecture', { vulnerablePackages: [{ architecture: eq('x86_64') }] }, ['punycode']],
    ['package without a release passes NOT_EQUALS', { vulnerablePackages: [{ release: ne('41.el9_0') }] }, ['log4shell', 'followUp', 'heartbleed', 'rapidReset']],
    ['package layer', { vulnerablePackages: [{ sourceLayerHash: eq('sha256:aaaa') }], findingStatus: [eq('SUPPRESSED')] }, ['lodash']],
  ])('%s', (_label, criteria, expected) => {
    expect(select(criteria)).toEqual(expected);
  });

  it('leaves SUPPRESSED and CLOSED in when the default is turned off', () => {
    expect(select({ packageEcosystem: [eq('npm')] }, { defaultStatusFilter: false })).toEqual(['lodash', 'closed']);
  });

  it('reads epoch, release and architecture from versions and purls', () => {
    expect(packageParts(punycode)).toEqual({ epoch: 1, release: '41.el9_0', architecture: 'x86_64' });
    expect(packageParts(heartbleed)).toEqual({ epoch: 0, release: '2+deb7u4', architecture: 'amd64' });
    expect(packageParts(log4shell)).toEqual({ epoch: 0 });
  });

  const arbFilter = fc.record({ comparison: fc.constantFrom('EQUALS', 'PREFIX', 'NOT_EQUALS'), value: fc.constantFrom('CVE-2021-', 'CVE-2021-44228', 'CVE-2014-0160', 'CVE-2022-3602', 'C') });
  const arbFilters = fc.array(arbFilter, { minLength: 1, maxLength: 5 });

  it('within a key, matches (any EQUALS/PREFIX, or none given) and every NOT_EQUALS', () => {
    fc.assert(
      fc.property(arbFilters, (filters) => {
        const selected = new Set(select({ vulnerabilityId: filters }, { defaultStatusFilter: false }));
        for (const f of all) {
          const id = f.body.vulnerabilityId;
          const positives = filters.filter((x) => x.comparison !== 'NOT_EQUALS');
          const anyPositive = positives.length === 0 || positives.some((x) => (x.comparison === 'EQUALS' ? id === x.value : id.startsWith(x.value)));
          const allNegative = filters.filter((x) => x.comparison === 'NOT_EQUALS').every((x) => id !== x.value);
          expect(selected.has(f.id)).toBe(anyPositive && allNegative);
        }
      }),
    );
  });

  it('ANDs keys: two keys select the intersection of what each selects alone', () => {
    fc.assert(
      fc.property(arbFilters, fc.array(fc.record({ comparison: fc.constantFrom('EQUALS', 'NOT_EQUALS'), value: fc.constantFrom('CRITICAL', 'HIGH') }), { minLength: 1, maxLength: 3 }), (ids, sev) => {
        const both = select({ vulnerabilityId: ids, severity: sev }, { defaultStatusFilter: false });
        const a = new Set(select({ vulnerabilityId: ids }, { defaultStatusFilter: false }));
        const b = new Set(select({ severity: sev }, { defaultStatusFilter: false }));
        expect(both).toEqual(all.map((f) => f.id).filter((id) => a.has(id) && b.has(id)));
      }),
    );
  });
});

describe('parseCriteria', () => {
  it('accepts a full Inspector-shaped criteria and JSON text', () => {
    const criteria: FilterCriteria = {
      severity: [{ comparison: 'EQUALS', value: 'HIGH' }],
      resourceTags: [{ comparison: 'EQUALS', key: 'env', value: '' }],
      vulnerablePackages: [{ name: { comparison: 'PREFIX', value: 'lib' }, epoch: { lowerInclusive: 0, upperInclusive: 2 } }],
      vigilScore: [{ lowerInclusive: 7 }],
      updatedAt: [{ startInclusive: '2024-01-01T00:00:00+02:00' }],
    };
    expect(parseCriteria(criteria)).toEqual({ ok: true, criteria });
    expect(parseCriteria(JSON.stringify(criteria))).toEqual({ ok: true, criteria });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /filterCriteria must be an object/],
    ['null', null, /must be an object/],
    ['bad JSON text', '{"severity":', /not valid JSON/],
    ['an unknown key', { inspectorScore: [{ lowerInclusive: 1 }] }, /unknown key "inspectorScore"/],
    ['a key that is not an array', { severity: { comparison: 'EQUALS', value: 'HIGH' } }, /severity must be an array/],
    ['an empty array', { severity: [] }, /1 to 10/],
    ['too many entries', { title: Array.from({ length: MAX_ENTRIES_PER_KEY + 1 }, (_, i) => eq(`t${i}`)) }, /1 to 10/],
    ['an unknown comparison', { title: [{ comparison: 'CONTAINS', value: 'x' }] }, /title\[0\]\.comparison must be one of/],
    ['an empty value', { title: [eq('')] }, /1 to 1024/],
    ['a number as value', { title: [{ comparison: 'EQUALS', value: 5 }] }, /must be a string/],
    ['an extra field in a filter', { title: [{ comparison: 'EQUALS', value: 'x', caseSensitive: false }] }, /unknown key "caseSensitive"/],
    ['a misspelt severity', { severity: [eq('HIHG')] }, /severity\[0\]\.value must be one of/],
    ['lower-case status', { findingStatus: [eq('active')] }, /must be one of ACTIVE, SUPPRESSED, CLOSED/],
    ['a range without bounds', { vigilScore: [{}] }, /needs lowerInclusive/],
    ['a string bound', { epssScore: [{ lowerInclusive: '0.5' }] }, /finite number/],
    ['an inverted range', { vigilScore: [{ lowerInclusive: 9, upperInclusive: 1 }] }, /above upperInclusive/],
    ['a date that does not exist', { updatedAt: [{ startInclusive: '2024-02-30' }] }, /ISO 8601/],
    ['a date without a time zone', { updatedAt: [{ startInclusive: '2024-02-01T10:00:00' }] }, /ISO 8601/],
    ['an epoch-seconds date', { updatedAt: [{ startInclusive: 1714557600 }] }, /ISO 8601/],
    ['an inverted date range', { updatedAt: [{ startInclusive: '2024-03-01', endInclusive: '2024-02-01' }] }, /after endInclusive/],
    ['a tag comparison other than EQUALS', { resourceTags: [{ comparison: 'PREFIX', key: 'env' }] }, /must be EQUALS/],
    ['a tag without a key', { resourceTags: [{ comparison: 'EQUALS', value: 'x' }] }, /key must be a string/],
    ['an empty package filter', { vulnerablePackages: [{}] }, /needs at least one of/],
    ['a string epoch', { vulnerablePackages: [{ epoch: eq('1') }] }, /unknown key "comparison"/],
    ['an unknown package field', { vulnerablePackages: [{ purl: eq('x') }] }, /unknown key "purl"/],
  ])('refuses %s', (_label, input, message) => {
    const result = parseCriteria(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_CRITERIA');
      expect(result.error.message).toMatch(message);
    }
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.dictionary(fc.constantFrom('severity', 'vigilScore', 'resourceTags', 'vulnerablePackages', 'updatedAt'), fc.anything())), (input) => {
        const result = parseCriteria(input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('every accepted criteria compiles to a predicate that does not throw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('severity', 'title', 'vigilScore', 'epssScore', 'firstObservedAt', 'vulnerablePackages'), fc.anything()), (input) => {
        const result = parseCriteria(input);
        if (!result.ok) return;
        const matches = compileCriteria(result.criteria);
        for (const f of all) expect(typeof matches(f, resourceOf(f))).toBe('boolean');
      }),
    );
  });
});
