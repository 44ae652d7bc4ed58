import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPurl, parsePurl } from './purl.js';

const specTests = fileURLToPath(new URL('../../../shared/data/purl-spec/tests/', import.meta.url));

/** The purl types Vigil writes (and the generic ones around them): the suite must pass for each. */
const vigilTypes = new Set(['deb', 'rpm', 'apk', 'npm', 'pypi', 'maven', 'golang', 'cargo', 'gem', 'composer', 'nuget', 'generic', 'oci', 'docker']);

interface SpecTest {
  description: string;
  test_type: 'build' | 'parse' | 'roundtrip' | 'validate';
  input: string | { type: string; namespace: string | null; name: string; version: string | null; qualifiers: Record<string, string> | null; subpath: string | null };
  expected_output: unknown;
  expected_failure: boolean;
}

/**
 * The suite contradicts itself on upper-case qualifier keys: these two "parse" cases expect a
 * failure, while the "validate" cases for the very same inputs expect them folded to lower case.
 * Vigil folds (the specification calls keys case-insensitive), so these two cannot pass.
 */
const contradictedCases = new Set(['pkg:gem/jruby-launcher@1.1.2?Platform=java', 'pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25']);

function loadSuite(): Array<[string, SpecTest]> {
  const cases: Array<[string, SpecTest]> = [];
  for (const dir of ['types', 'spec']) {
    for (const file of readdirSync(`${specTests}${dir}`).filter((f) => f.endsWith('.json'))) {
      const { tests } = JSON.parse(readFileSync(`${specTests}${dir}/${file}`, 'utf8')) as { tests: SpecTest[] };
      for (const test of tests) {
        const type = typeof test.input === 'string' ? /^pkg:([^/]+)/.exec(test.input)?.[1] : test.input.type;
        if (test.test_type === 'parse' && contradictedCases.has(test.input as string)) continue;
        if (type && vigilTypes.has(type.toLowerCase())) cases.push([`${file}: ${test.test_type}: ${test.description}`, test]);
      }
    }
  }
  return cases;
}

describe('purl', () => {
  it('writes the canonical form the current specification asks for', () => {
    expect(
      buildPurl({ type: 'deb', namespace: 'debian', name: 'attr', version: '1:2.4.47-2+b1', qualifiers: { arch: 'amd64', distro: 'debian-12', empty: '' } }),
    ).toBe('pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12');
    expect(buildPurl({ type: 'npm', namespace: '@angular', name: 'core', version: '17.0.0' })).toBe('pkg:npm/%40angular/core@17.0.0');
    expect(buildPurl({ type: 'pypi', name: 'Django_Rest', version: '1.0' })).toBe('pkg:pypi/django-rest@1.0');
  });

  it('parses back to the same fields', () => {
    const parts = { type: 'rpm', namespace: 'redhat', name: 'bash', version: '5.1.8-6.el9', qualifiers: { arch: 'x86_64', epoch: '1', upstream: 'bash-5.1.8-6.el9.src.rpm' } };
    expect(parsePurl(buildPurl(parts))).toEqual(parts);
  });

  describe.skipIf(!existsSync(specTests))('the purl-spec test suite, for the types Vigil writes', () => {
    const suite = existsSync(specTests) ? loadSuite() : [];
    it('has cases', () => expect(suite.length).toBeGreaterThan(50));
    it.each(suite)('%s', (_name, test) => {
      if (test.test_type === 'build') {
        const input = test.input as Exclude<SpecTest['input'], string>;
        const build = () =>
          buildPurl({
            type: input.type,
            ...(input.namespace !== null ? { namespace: input.namespace } : {}),
            name: input.name,
            ...(input.version !== null ? { version: input.version } : {}),
            ...(input.qualifiers ? { qualifiers: input.qualifiers } : {}),
            ...(input.subpath !== null ? { subpath: input.subpath } : {}),
          });
        if (test.expected_failure) expect(build).toThrow();
        else expect(build()).toBe(test.expected_output);
      } else if (test.test_type === 'parse') {
        if (test.expected_failure) {
          expect(() => parsePurl(test.input as string)).toThrow();
          return;
        }
        const expected = test.expected_output as { type: string; namespace: string | null; name: string; version: string | null; qualifiers: Record<string, string> | null; subpath: string | null };
        const parsed = parsePurl(test.input as string);
        expect(parsed.type).toBe(expected.type);
        expect(parsed.namespace ?? null).toBe(expected.namespace);
        expect(parsed.name).toBe(expected.name);
        expect(parsed.version ?? null).toBe(expected.version);
        expect(parsed.qualifiers ?? null).toEqual(expected.qualifiers);
        expect(parsed.subpath ?? null).toBe(expected.subpath);
      } else {
        // roundtrip / validate: parse, then write canonically.
        const roundtrip = () => buildPurl(parsePurl(test.input as string));
        if (test.expected_failure) expect(roundtrip).toThrow();
        else expect(roundtrip()).toBe(test.expected_output);
      }
    });
  });
});

describe('buildPurl on parts packageurl-js chokes on', () => {
  it('gives a plain error, not a ReferenceError', () => {
    expect(() => buildPurl({ type: 'golang', namespace: 'example.com', name: 'mod', version: 'v1.2.3.4.5-x+y' })).toThrow(/cannot build a golang purl/);
  });
});
