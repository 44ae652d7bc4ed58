import { describe, expect, it } from 'vitest';
import type { CvssMetric, SeverityEntry } from '../model/advisory.js';
import { chooseScore, type ScoreInput } from './choose.js';

const V31_LOG4J = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'; // 10.0
const V31_HEARTBLEED = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'; // 7.5
const V30_STRUTS = 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const V2_HEARTBLEED = 'AV:N/AC:L/Au:N/C:P/I:N/A:N'; // 5.0
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N'; // 6.9

const v3 = (score: string): SeverityEntry => ({ type: 'CVSS_V3', score });
const nvd = (vector: string, version: string, source = 'nvd@nist.gov', type = 'Primary'): CvssMetric => ({ version, vector, source, type });
const base: ScoreInput = { osPackage: false, advisorySeverity: [], affectedSeverity: [] };

/** "SEVERITY score source" for compact tables. */
function summary(input: Partial<ScoreInput>): string {
  const chosen = chooseScore({ ...base, ...input });
  return `${chosen.severity} ${chosen.score ?? '-'} ${chosen.scoreSource}`;
}

describe('chooseScore', () => {
  it.each<[string, Partial<ScoreInput>, string]>([
    ['the advisory vector', { advisorySeverity: [v3(V31_HEARTBLEED)] }, 'HIGH 7.5 osv:CVSS_V3.1'],
    ['the advisory before NVD in the same tier', { advisorySeverity: [v3(V31_HEARTBLEED)], nvd: [nvd(V31_LOG4J, '3.1')] }, 'HIGH 7.5 osv:CVSS_V3.1'],
    ["the advisory's 3.0 before NVD's 3.1 (one 3.x tier)", { advisorySeverity: [v3(V30_STRUTS)], nvd: [nvd(V31_HEARTBLEED, '3.1')] }, 'CRITICAL 9.8 osv:CVSS_V3.0'],
    ['3.1 before 3.0 from one source', { advisorySeverity: [v3(V30_STRUTS), v3(V31_HEARTBLEED)] }, 'HIGH 7.5 osv:CVSS_V3.1'],
    ["NVD's 3.x before the advisory's 2.0", { advisorySeverity: [{ type: 'CVSS_V2', score: V2_HEARTBLEED }], nvd: [nvd(V31_HEARTBLEED, '3.1')] }, 'HIGH 7.5 nvd@nist.gov:CVSS_V3.1'],
    ['4.0 before 2.0', { nvd: [nvd(V2_HEARTBLEED, '2.0'), nvd(V40, '4.0', 'cna@example.org', 'Secondary')] }, 'MEDIUM 6.9 cna@example.org:CVSS_V4.0'],
    ['3.x before 4.0', { advisorySeverity: [{ type: 'CVSS_V4', score: V40 }, v3(V31_LOG4J)] }, 'CRITICAL 10 osv:CVSS_V3.1'],
    ["NVD's Primary before its Secondary", { nvd: [nvd(V31_LOG4J, '3.1', 'cna@example.org', 'Secondary'), nvd(V31_HEARTBLEED, '3.1')] }, 'HIGH 7.5 nvd@nist.gov:CVSS_V3.1'],
    ['a recomputed score, not the stated one', { nvd: [{ ...nvd(V31_HEARTBLEED, '3.1'), baseScore: 9.9 }] }, 'HIGH 7.5 nvd@nist.gov:CVSS_V3.1'],
    ['an unparseable vector skipped', { advisorySeverity: [v3('CVSS:3.1/AV:N')], nvd: [nvd(V2_HEARTBLEED, '2.0')] }, 'MEDIUM 5 nvd@nist.gov:CVSS_V2.0'],
    ["the database's rating without a vector", { databaseSeverity: 'MODERATE' }, 'MEDIUM - osv:database_specific'],
    ['the database named', { databaseSeverity: 'CRITICAL', advisorySource: 'GHSA' }, 'CRITICAL - ghsa:database_specific'],
    ['nothing', {}, 'UNTRIAGED - none'],
    ['a distro rating ignored for a language package', { distroRating: 'high' }, 'UNTRIAGED - none'],
  ])('%s', (_name, input, expected) => {
    expect(summary(input)).toBe(expected);
  });

  describe('for OS packages', () => {
    it.each<[string, Partial<ScoreInput>, string]>([
      [
        "the affected package's vector before everything",
        { affectedSeverity: [{ type: 'CVSS_V2', score: V2_HEARTBLEED }], advisorySeverity: [v3(V31_LOG4J)], distro: 'Ubuntu' },
        'MEDIUM 5 ubuntu:CVSS_V2.0',
      ],
      ["the distribution's textual rating, with no number", { advisorySeverity: [{ type: 'Ubuntu', score: 'medium' }, v3(V31_LOG4J)] }, 'MEDIUM - ubuntu'],
      ['the distro rating given beside', { distroRating: 'unimportant', distro: 'debian', nvd: [nvd(V31_LOG4J, '3.1')] }, 'INFORMATIONAL - debian'],
      ['Red Hat wording', { distroRating: 'Important', distro: 'rhel' }, 'HIGH - rhel'],
      ['CVSS when the distribution has not triaged', { distroRating: 'untriaged', distro: 'ubuntu', nvd: [nvd(V31_LOG4J, '3.1')] }, 'CRITICAL 10 nvd@nist.gov:CVSS_V3.1'],
      ['CVSS when the distribution has no rating', { nvd: [nvd(V31_HEARTBLEED, '3.1')] }, 'HIGH 7.5 nvd@nist.gov:CVSS_V3.1'],
    ])('%s', (_name, input, expected) => {
      expect(summary({ osPackage: true, ...input })).toBe(expected);
    });
  });

  it('lists every vector known, once per source, with its computed score', () => {
    const chosen = chooseScore({
      osPackage: true,
      distro: 'debian',
      affectedSeverity: [{ type: 'CVSS_V3', score: V31_HEARTBLEED }],
      advisorySeverity: [v3(V31_HEARTBLEED), { type: 'Ubuntu', score: 'low' }, v3('not a vector')],
      nvd: [nvd(V31_HEARTBLEED, '3.1'), nvd(V31_HEARTBLEED, '3.1'), nvd(V2_HEARTBLEED, '2.0')],
    });
    expect(chosen.cvss).toEqual([
      { version: '3.1', vector: V31_HEARTBLEED, baseScore: 7.5, source: 'debian' },
      { version: '3.1', vector: V31_HEARTBLEED, baseScore: 7.5, source: 'osv' },
      { version: '3.1', vector: V31_HEARTBLEED, baseScore: 7.5, source: 'nvd@nist.gov' },
      { version: '2.0', vector: V2_HEARTBLEED, baseScore: 5, source: 'nvd@nist.gov' },
    ]);
    expect(chosen.scoreSource).toBe('debian:CVSS_V3.1');
  });
});
