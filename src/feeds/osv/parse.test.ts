import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseOsvRecord } from './parse.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/feeds/osv/', import.meta.url));
const osvSchemaRoot = fileURLToPath(new URL('../../../../shared/data/osv-schema/', import.meta.url));

function fixture(name: string): unknown {
  const text = readFileSync(join(fixtures, name), 'utf8');
  return name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function accepted(json: unknown) {
  const result = parseOsvRecord(json);
  if (!result.ok) throw new Error(`rejected: ${result.rejection.reason}`);
  return result.advisory;
}

function reasonOf(json: unknown, origin?: string): string {
  const result = parseOsvRecord(json, origin);
  if (result.ok) throw new Error('accepted, expected a rejection');
  return `${result.rejection.id}: ${result.rejection.reason}`;
}

const minimal = { id: 'GHSA-xxxx-xxxx-xxxx', modified: '2024-01-01T00:00:00Z' };
const withRange = (range: unknown) => ({
  ...minimal,
  affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [range] }],
});

describe('parseOsvRecord on our fixtures', () => {
  it('normalises a GHSA record: aliases, CWEs, database severity, references, unknown fields ignored', () => {
    const advisory = accepted(fixture('GHSA-35jh-r3h4-6jhm.json'));
    expect(advisory).toMatchObject({
      id: 'GHSA-35jh-r3h4-6jhm',
      aliases: ['CVE-2021-23337'],
      related: [],
      modified: '2024-02-20T10:00:00Z',
      published: '2021-05-06T16:05:51Z',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
      databaseSeverity: 'HIGH',
      cwes: ['CWE-77', 'CWE-94'],
      source: 'osv',
    });
    expect(advisory.affected.map((a) => `${a.ecosystem}/${a.name} ${a.purl ?? '-'}`)).toEqual(['npm/lodash pkg:npm/lodash', 'npm/lodash-es -']);
    expect(advisory.affected[0]!.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }]);
    expect(advisory.affected[0]!.databaseSpecific).toEqual({ source: 'https://github.com/github/advisory-database' });
    expect(advisory.references.map((r) => r.type)).toEqual(['ADVISORY', 'PACKAGE']);
    expect(advisory).not.toHaveProperty('an_unknown_field');
  });

  it('reads a YAML record with a distro ecosystem, explicit versions and affected-level severity', () => {
    const advisory = accepted(fixture('ubuntu-openssl.yaml'));
    expect(advisory.id).toBe('UBUNTU-CVE-2014-0160');
    expect(advisory.severity).toEqual([{ type: 'Ubuntu', score: 'medium' }]);
    const [affected] = advisory.affected;
    expect(affected).toMatchObject({
      ecosystem: 'Ubuntu:14.04:LTS',
      name: 'openssl',
      versions: ['1.0.1-4ubuntu5', '1.0.1f-1ubuntu1'],
      severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' }],
    });
  });

  it('keeps GIT ranges with their repo and derives ecosystem and name from a purl', () => {
    const [pysec, rustsec] = fixture('two-records.json') as unknown[];
    expect(accepted(pysec).affected[0]!.ranges[1]).toEqual({
      type: 'GIT',
      repo: 'https://github.com/psf/requests',
      events: [{ introduced: '0' }, { fixed: '74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5' }],
    });
    const advisory = accepted(rustsec);
    expect(advisory.modified).toBe('2023-01-01T00:00:00+01:00');
    expect(advisory.affected[0]).toMatchObject({ ecosystem: 'crates.io', name: 'hyper', purl: 'pkg:cargo/hyper' });
  });

  it('rejects an event with two keys, naming the record and the place', () => {
    expect(reasonOf(fixture('broken-event.json'))).toBe(
      'GHSA-broken-event: affected[0].ranges[0].events[0] must have exactly one of introduced, fixed, last_affected, limit; got {"introduced":"0","fixed":"1.3.0"}',
    );
  });
});

describe('parseOsvRecord validation', () => {
  it.each<[string, unknown, RegExp]>([
    ['not an object', [1, 2], /is a JSON object/],
    ['no id', { modified: minimal.modified }, /"id" is missing/],
    ['no modified', { id: 'GO-1' }, /"modified" is missing/],
    ['bad modified', { id: 'GO-1', modified: '2024-01-01' }, /not an RFC 3339/],
    ['bad withdrawn', { ...minimal, withdrawn: 'yesterday' }, /"withdrawn"/],
    ['aliases not strings', { ...minimal, aliases: [1] }, /"aliases" must be an array of strings/],
    ['affected not array', { ...minimal, affected: {} }, /"affected" is not an array/],
    ['no package', { ...minimal, affected: [{ ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] }, /names no package/],
    ['empty name', { ...minimal, affected: [{ package: { ecosystem: 'npm', name: '' } }] }, /package.name/],
    ['unknown range type', withRange({ type: 'DATE', events: [{ introduced: '0' }] }), /SEMVER, ECOSYSTEM or GIT/],
    ['no events', withRange({ type: 'SEMVER', events: [] }), /non-empty array/],
    ['no introduced', withRange({ type: 'SEMVER', events: [{ fixed: '1.0.0' }] }), /no "introduced"/],
    ['unknown event', withRange({ type: 'SEMVER', events: [{ introduced: '0' }, { patched: '1' }] }), /exactly one of/],
    ['numeric version', withRange({ type: 'SEMVER', events: [{ introduced: 0 }] }), /non-empty string/],
    ['fixed and last_affected', withRange({ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2' }, { last_affected: '1' }] }), /mixes/],
    ['GIT without repo', withRange({ type: 'GIT', events: [{ introduced: '0' }] }), /without "repo"/],
    ['versions not strings', { ...minimal, affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, versions: [1.0] }] }, /versions must be an array of strings/],
    ['severity without score', { ...minimal, severity: [{ type: 'CVSS_V3' }] }, /severity\[0\] needs a string/],
    ['purl of unknown type only', { ...minimal, affected: [{ package: { purl: 'pkg:deb/debian/bash' } }] }, /does not name one/],
  ])('rejects %s', (_name, json, reason) => {
    expect(reasonOf(json)).toMatch(reason);
  });

  it('names a record without id by its origin', () => {
    expect(reasonOf({ modified: minimal.modified }, 'all.zip!x.json')).toMatch(/^all\.zip!x\.json: /);
  });

  it('skips a package-less entry with GIT ranges only, defaults lists, and drops its own id from aliases', () => {
    const advisory = accepted({
      ...minimal,
      aliases: ['CVE-2024-1', minimal.id, 'CVE-2024-1'],
      related: null,
      affected: [{ ranges: [{ type: 'GIT', repo: 'https://example.org/r', events: [{ introduced: '0' }] }] }],
    });
    expect(advisory).toMatchObject({ aliases: ['CVE-2024-1'], related: [], affected: [], references: [], cwes: [], severity: [] });
  });

  it('keeps severity types and vectors it does not know (the scorer decides)', () => {
    const advisory = accepted({ ...minimal, severity: [{ type: 'X_VENDOR', score: 'High' }, { type: 'CVSS_V3', score: 'garbage' }] });
    expect(advisory.severity).toHaveLength(2);
  });

  it('keeps withdrawn, and accepts the Go database zero timestamps', () => {
    const advisory = accepted({ id: 'GO-2022-0617', modified: '0001-01-01T00:00:00Z', withdrawn: '2024-08-21T16:25:56Z' });
    expect(advisory.withdrawn).toBe('2024-08-21T16:25:56Z');
  });
});

describe('parseOsvRecord against arbitrary input', () => {
  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parseOsvRecord(json);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on records with arbitrary affected entries, and accepts only well-formed events', () => {
    const event = fc.dictionary(fc.constantFrom('introduced', 'fixed', 'last_affected', 'limit', 'x'), fc.oneof(fc.string(), fc.integer()), { maxKeys: 2 });
    const record = fc.record({
      id: fc.oneof(fc.constant('GO-2024-0001'), fc.string()),
      modified: fc.oneof(fc.constant('2024-01-01T00:00:00Z'), fc.string()),
      affected: fc.array(
        fc.record(
          {
            package: fc.record({ ecosystem: fc.string(), name: fc.string(), purl: fc.string() }, { requiredKeys: [] }),
            ranges: fc.array(fc.record({ type: fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT', 'X'), events: fc.array(event), repo: fc.string() }, { requiredKeys: [] })),
            versions: fc.array(fc.oneof(fc.string(), fc.integer())),
          },
          { requiredKeys: [] },
        ),
      ),
    });
    fc.assert(
      fc.property(record, (json) => {
        const result = parseOsvRecord(json);
        if (result.ok) {
          for (const affected of result.advisory.affected) {
            for (const range of affected.ranges) {
              for (const e of range.events) expect(Object.keys(e)).toHaveLength(1);
              expect(range.events.some((e) => 'introduced' in e)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * The OSV schema as an oracle. Every record there is checked against the schema (ajv) and against
 * parseOsvRecord: a record the schema accepts, we accept; a record the schema rejects for a reason
 * matching depends on, we reject. The linter test data holds one such broken record
 * (nointroduced-…); the rest are made here by breaking valid records one field at a time.
 * Deliberate leniency (see parse.ts): unknown id prefixes and ecosystems, offsets in timestamps,
 * short GIT hashes, unknown severity types and bad vectors, malformed references.
 */
describe.skipIf(!existsSync(osvSchemaRoot))(`the OSV schema as an oracle (skipped when ${osvSchemaRoot} is absent)`, () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormatsModule.default(ajv);
  const validate = existsSync(osvSchemaRoot) ? ajv.compile(JSON.parse(readFileSync(join(osvSchemaRoot, 'validation/schema.json'), 'utf8'))) : () => false;
  const files = existsSync(osvSchemaRoot)
    ? [
        ...readdirSync(join(osvSchemaRoot, 'tools/osv-linter/testdata')).map((f) => join('tools/osv-linter/testdata', f)),
        ...readdirSync(join(osvSchemaRoot, 'tools/ghsa/testdata')).map((f) => join('tools/ghsa/testdata', f)),
        ...readdirSync(join(osvSchemaRoot, 'tools/redhat/testdata/OSV')).map((f) => join('tools/redhat/testdata/OSV', f)),
      ]
    : [];
  const records = files.map((file) => ({ file, json: JSON.parse(readFileSync(join(osvSchemaRoot, file), 'utf8')) as Record<string, unknown> }));

  it('agrees with the schema on every record in the test data', () => {
    const verdicts = records.map(({ file, json }) => `${file} schema=${validate(json) ? 'valid' : 'invalid'} vigil=${parseOsvRecord(json).ok ? 'accepted' : 'rejected'}`);
    // The GHSA tool's inputs (*.json but not *.osv.json) are GitHub's own format, not OSV: both refuse them.
    for (const verdict of verdicts) {
      if (verdict.includes('schema=valid')) expect(verdict).toContain('vigil=accepted');
      else expect(verdict).toContain('vigil=rejected');
    }
    expect(verdicts.filter((v) => v.includes('schema=invalid')).length).toBe(12);
    expect(verdicts.filter((v) => v.includes('schema=valid')).length).toBe(24);
  });

  const valid = records.filter(({ json }) => validate(json) && Array.isArray(json.affected) && json.affected.length > 0);
  type Mutation = [string, (record: Record<string, unknown>) => void];
  const firstAffected = (r: Record<string, unknown>) => (r.affected as Array<Record<string, unknown>>)[0]!;
  const packageOf = (r: Record<string, unknown>) => {
    const affected = firstAffected(r);
    if (typeof affected.package !== 'object' || affected.package === null) affected.package = { ecosystem: 'npm', name: 'x' };
    return affected.package as Record<string, unknown>;
  };
  const firstRange = (r: Record<string, unknown>) => {
    const affected = firstAffected(r);
    if (!Array.isArray(affected.ranges) || affected.ranges.length === 0) affected.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
    return (affected.ranges as Array<Record<string, unknown>>)[0]!;
  };
  const mutations: Mutation[] = [
    ['without id', (r) => delete r.id],
    ['without modified', (r) => delete r.modified],
    ['with a date for modified', (r) => (r.modified = '2024-01-01')],
    ['with a numeric id', (r) => (r.id = 42)],
    ['with affected as an object', (r) => (r.affected = { package: {} })],
    // The purl goes too: a package with a purl but no ecosystem is accepted on purpose (see parse.ts).
    ['without package ecosystem', (r) => (delete packageOf(r).ecosystem, delete packageOf(r).purl)],
    ['with a numeric package name', (r) => (packageOf(r).name = 7)],
    ['with an unknown range type', (r) => (firstRange(r).type = 'DATE')],
    ['with an event of two keys', (r) => ((firstRange(r).events as unknown[])[0] = { introduced: '0', fixed: '1' })],
    ['with an unknown event key', (r) => ((firstRange(r).events as unknown[]).push({ patched: '1' }))],
    ['with no introduced event', (r) => (firstRange(r).events = [{ fixed: '1.0' }])],
    ['with fixed and last_affected', (r) => (firstRange(r).events = [{ introduced: '0' }, { fixed: '2' }, { last_affected: '1' }])],
    ['with a GIT range without repo', (r) => Object.assign(firstRange(r), { type: 'GIT', events: [{ introduced: '0' }], repo: undefined })],
    ['with numeric versions', (r) => (firstAffected(r).versions = [1, 2])],
    ['with a severity without score', (r) => (r.severity = [{ type: 'CVSS_V3' }])],
  ];
  const cases = valid.flatMap(({ file, json }) => mutations.map(([name, mutate]) => [`${file} ${name}`, json, mutate] as const));

  it.each(cases)('%s: the schema and Vigil both reject it', (_name, json, mutate) => {
    const broken = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    mutate(broken);
    const copy = JSON.parse(JSON.stringify(broken)) as unknown;
    expect(validate(copy)).toBe(false);
    expect(parseOsvRecord(copy).ok).toBe(false);
  });
});
