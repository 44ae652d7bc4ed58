import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factNames, scanFinding, type FactName } from '../../test/harness/findings.js';
import type { Finding } from './finding.js';
import { findingDigest, findingJson, rememberedFinding } from './finding-json.js';

const arbSource = fc.record({
  fact: fc.constantFrom(...factNames),
  title: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
  references: fc.array(fc.webUrl(), { maxLength: 4 }),
});
const arbPackage = fc.record({ purl: fc.string({ unit: 'binary' }), path: fc.string({ unit: 'binary' }) });

/** A copy as matching makes one of a remembered finding: the source spread, with arrays and a package of its own. */
function copyOf(source: Finding, pkg: { purl: string; path: string }): Finding {
  rememberedFinding(source);
  return {
    ...source,
    aliases: [...source.aliases],
    cvss: [...source.cvss],
    references: [...source.references],
    evidence: [...source.evidence],
    package: { ...source.package, purl: pkg.purl, locations: [{ path: pkg.path }] },
  };
}

function sourceOf({ fact, title, references }: { fact: FactName; title: string | undefined; references: string[] }): Finding {
  const finding = scanFinding(fact);
  return { ...finding, ...(title === undefined ? {} : { title }), references };
}

describe('findingJson', () => {
  it('writes what JSON.stringify writes, for copies with their own package and fixAvailable', () => {
    fc.assert(
      fc.property(arbSource, arbPackage, fc.constantFrom('YES' as const, 'NO' as const, 'PARTIAL' as const), (spec, pkg, fix) => {
        const copy = copyOf(sourceOf(spec), pkg);
        copy.fixAvailable = fix;
        expect(findingJson(copy)).toBe(JSON.stringify(copy));
      }),
    );
  });

  // Each way a copy can stop holding its source's values, and a source whose text holds a hole's marker.
  const changes: Array<[string, (copy: Finding) => void]> = [
    ['a value replaced', (copy) => void (copy.title = `${copy.title}!`)],
    ['an array grown', (copy) => void copy.references.push('https://example.com/more')],
    ['an array entry replaced', (copy) => void (copy.aliases[0] = 'GHSA-xxxx-xxxx-xxxx')],
    ['an array replaced by a longer one', (copy) => void (copy.references = [...copy.references, 'https://example.com/more'])],
    ['an entry replaced', (copy) => void (copy.cvss = copy.cvss.map((entry) => ({ ...entry, baseScore: entry.baseScore + 0.1 })))],
    ['an evidence entry replaced', (copy) => void (copy.evidence = copy.evidence.map((entry) => ({ ...entry, range: 'changed' })))],
    ['a later evidence entry added', (copy) => void copy.evidence.push({ advisoryId: 'GHSA-x', ecosystem: 'npm', name: 'x', version: '1', range: 'introduced 0' })],
    ['a key added', (copy) => Object.assign(copy, { extra: 1 })],
    [
      'a key moved to the end',
      (copy) => {
        const { title } = copy;
        delete (copy as Partial<Finding>).title;
        copy.title = title;
      },
    ],
    ['its last key deleted', (copy) => void delete (copy as Partial<Finding>).evidence],
    ['a key made undefined', (copy) => void ((copy as { remediation?: unknown }).remediation = undefined)],
  ];
  it.each(changes)('writes the copy whole once %s', (_name, change) => {
    const source = scanFinding('rapidReset');
    const copy = copyOf(source, { purl: 'pkg:golang/golang.org/x/net@v0.15.0', path: '/srv/api' });
    change(copy);
    expect(findingJson(copy)).toBe(JSON.stringify(copy));
    // The source and its other copies are unaffected.
    expect(findingJson(copyOf(source, { purl: 'p', path: 'q' }))).toBe(JSON.stringify(copyOf(source, { purl: 'p', path: 'q' })));
  });

  it('writes a finding whose own text holds a marker of its holes whole, as JSON.stringify does', () => {
    const source = { ...scanFinding('lodash'), title: '"\u0000package\u0000"' };
    const copy = copyOf(source, { purl: 'pkg:npm/lodash@4.17.20', path: '/srv/web/package-lock.json' });
    expect(findingJson(copy)).toBe(JSON.stringify(copy));
    expect(findingJson(source)).toBe(JSON.stringify(source));
  });
});

describe('findingDigest', () => {
  const digest = (json: string) => `digest of ${json}`;

  it('is the digest of the finding’s JSON text, whatever was asked before', () => {
    fc.assert(
      fc.property(arbSource, fc.array(fc.tuple(arbPackage, fc.constantFrom('YES' as const, 'PARTIAL' as const), fc.boolean()), { minLength: 1, maxLength: 6 }), (spec, asks) => {
        const source = sourceOf(spec);
        for (const [pkg, fix, changeTitle] of asks) {
          const copy = copyOf(source, pkg);
          copy.fixAvailable = fix;
          if (changeTitle) copy.title = `${copy.title} (changed)`;
          expect(findingDigest(copy, digest)).toBe(digest(JSON.stringify(copy)));
        }
      }),
    );
  });

  it('hashes a copy like the last one asked about only once, and another digest afresh', () => {
    const source = scanFinding('lodash');
    const pkg = { purl: 'pkg:npm/lodash@4.17.20', path: '/srv/web/package-lock.json' };
    const texts: string[] = [];
    const counting = (json: string) => (texts.push(json), `#${texts.length}`);
    expect(findingDigest(copyOf(source, pkg), counting)).toBe('#1');
    expect(findingDigest(copyOf(source, pkg), counting)).toBe('#1');
    expect(findingDigest(copyOf(source, { ...pkg, path: '/elsewhere' }), counting)).toBe('#2');
    expect(findingDigest(copyOf(source, pkg), digest)).toBe(digest(texts[0]!));
    expect(texts).toEqual([JSON.stringify(copyOf(source, pkg)), JSON.stringify(copyOf(source, { ...pkg, path: '/elsewhere' }))]);
  });
});
