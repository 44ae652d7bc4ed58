import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { go } from './go.js';
import { runSchemeContract } from './scheme-contract.js';

const identifier = fc.oneof(fc.stringMatching(/^(0|[1-9][0-9]{0,2})$/), fc.stringMatching(/^[0-9]?[a-z-][0-9a-z-]{0,3}$/));
const arbitraryGo = fc.oneof(
  fc
    .tuple(fc.nat(3), fc.nat(3), fc.nat(12), fc.array(identifier, { maxLength: 3 }), fc.boolean())
    .map(([major, minor, patch, pre, incompatible]) =>
      `v${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${incompatible ? '+incompatible' : ''}`,
    ),
  fc
    .tuple(fc.nat(2), fc.date({ min: new Date('2015-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }), fc.stringMatching(/^[0-9a-f]{12}$/))
    .map(([major, date, hash]) => `v${major}.0.0-${date.toISOString().replace(/[-T:]|\..*$/g, '')}-${hash}`),
);

runSchemeContract(go, {
  valid: ['v0.0.0', 'v1.2.3', '1.2.3', 'v1', 'v1.2', 'v2.0.0+incompatible', 'v0.0.0-20191109021931-daa7c04131f5', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3-pre.0.20191109021931-daa7c04131f5', 'v1.2.3-pre', 'v1.2.3-rc.1'],
  invalid: ['', 'v', 'v1.2.3.4', 'v01.2.3', 'v1.2.3-01', 'v1.2-pre', 'v1.2.3-', 'latest', 'V1.2.3'],
  arbitrary: arbitraryGo,
});

describe('go ordering', () => {
  it.each([
    ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.1'],
    ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.0-20200101000000-000000000000'],
    ['v1.2.3', '<', 'v1.2.4-0.20191109021931-daa7c04131f5'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', '<', 'v1.2.4'],
    ['v1.2.3-pre', '<', 'v1.2.3-pre.0.20191109021931-daa7c04131f5'],
    ['v2.0.0+incompatible', '=', 'v2.0.0'],
    ['v1', '=', 'v1.0.0'],
    ['1.2.3', '=', 'v1.2.3'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(go.compare(a, b)).toBe(orderOf(relation));
  });

  it('recognises pseudo-versions', () => {
    expect(go.parse('v1.2.4-0.20191109021931-daa7c04131f5')?.pseudo).toEqual({
      timestamp: '20191109021931',
      revision: 'daa7c04131f5',
    });
    expect(go.parse('v1.2.4')?.pseudo).toBeUndefined();
  });
});

const exceptions: VectorException[] = [
  {
    vector: '1.1.3.4.5 = 1.1.3.4.5',
    ours: 'rejected',
    witness: "golang.org/x/mod/semver.IsValid(\"v1.1.3.4.5\") is false: Go versions have three components",
  },
];

// scalibr's SemVer table is written for Go too (osv-scalibr orders Go with the same code).
runConformance(go, [{ file: 'scalibr/semver-versions.txt', format: 'scalibr' }], exceptions);

/** Every range in the Go vulnerability database must parse and run forward. */
describe('go against the Go vulnerability database', () => {
  const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/golang-vulndb/data/osv');
  if (!existsSync(folder)) {
    it.skip(`skipped: ${folder} is absent`, () => {});
    return;
  }
  it('parses every version and orders every introduced/fixed pair', () => {
    interface Event { introduced?: string; fixed?: string; last_affected?: string }
    interface Record { affected?: { ranges?: { type: string; events: Event[] }[] }[] }
    const problems: string[] = [];
    let versions = 0;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(resolve(folder, file), 'utf8')) as Record;
      for (const range of (record.affected ?? []).flatMap((a) => a.ranges ?? [])) {
        let introduced: string | undefined;
        for (const event of range.events) {
          for (const v of [event.introduced, event.fixed, event.last_affected]) {
            if (v === undefined) continue;
            versions++;
            if (!go.validate(v)) problems.push(`${file}: ${v} is not valid`);
          }
          // OSV's introduced "0" is a sentinel for "since the first version", not a version.
          if (event.introduced !== undefined) introduced = event.introduced === '0' ? undefined : event.introduced;
          const end = event.fixed ?? event.last_affected;
          if (introduced !== undefined && end !== undefined && go.validate(introduced) && go.validate(end)) {
            if (go.compare(introduced, end) > (event.fixed ? -1 : 0)) problems.push(`${file}: ${introduced} is not before ${end}`);
          }
        }
      }
    }
    expect(versions).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });
});
