import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainPurl } from './plain-purl.js';
import { parsePurl, parsePurlWithPackageUrl } from './purl.js';

const specTests = fileURLToPath(new URL('../../../shared/data/purl-spec/tests/', import.meta.url));

/** What packageurl-js gives, or 'throws'. */
function full(purl: string): unknown {
  try {
    return parsePurlWithPackageUrl(purl);
  } catch {
    return 'throws';
  }
}

/** A plain parse must be exactly the full one; a purl that is not plain is left to parsePurl. */
function expectSameAsFull(purl: string): void {
  const plain = parsePlainPurl(purl);
  if (plain !== undefined) expect([purl, plain]).toEqual([purl, full(purl)]);
  let read: unknown;
  try {
    read = parsePurl(purl);
  } catch {
    read = 'throws';
  }
  expect([purl, read]).toEqual([purl, full(purl)]);
}

function specInputs(): string[] {
  const inputs: string[] = [];
  for (const dir of ['types', 'spec']) {
    for (const file of readdirSync(`${specTests}${dir}`).filter((f) => f.endsWith('.json'))) {
      const { tests } = JSON.parse(readFileSync(`${specTests}${dir}/${file}`, 'utf8')) as { tests: Array<{ input: unknown; expected_output: unknown }> };
      for (const test of tests) {
        if (typeof test.input === 'string') inputs.push(test.input);
        if (typeof test.expected_output === 'string' && test.expected_output.startsWith('pkg:')) inputs.push(test.expected_output);
      }
    }
  }
  return inputs;
}

describe('parsePlainPurl', () => {
  it.each([
    ['pkg:golang/github.com/gorilla/mux@v1.8.0', { type: 'golang', namespace: 'github.com/gorilla', name: 'mux', version: 'v1.8.0' }],
    ['pkg:deb/debian/libc6@2.36-9', { type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9' }],
    ['pkg:pypi/Django_Rest@1.0', { type: 'pypi', name: 'django-rest', version: '1.0' }],
    ['pkg:rpm/RedHat/Bash@5.1', { type: 'rpm', namespace: 'redhat', name: 'Bash', version: '5.1' }],
    ['pkg:maven/org.apache/commons-lang3@3.12.0', { type: 'maven', namespace: 'org.apache', name: 'commons-lang3', version: '3.12.0' }],
    ['pkg:cargo/serde', { type: 'cargo', name: 'serde' }],
    [
      'pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12',
      { type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u7', qualifiers: { arch: 'amd64', distro: 'debian-12' } },
    ],
    [
      'pkg:rpm/rocky/openssl@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm',
      { type: 'rpm', namespace: 'rocky', name: 'openssl', version: '3.0.7-27.el9', qualifiers: { arch: 'x86_64', epoch: '1', upstream: 'openssl-3.0.7-27.el9.src.rpm' } },
    ],
  ])('reads %s', (purl, parts) => {
    expect(parsePlainPurl(purl)).toEqual(parts);
    expectSameAsFull(purl);
  });

  it.each([
    'pkg:npm/%40angular/core@17.0.0',
    'pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64',
    'pkg:golang/example.com/mod@v1.2.3.4',
    'pkg:maven/commons-lang3@3.12.0',
    'pkg:npm/@angular/core@17.0.0',
    'pkg:github/package-url/purl-spec@244fd47e07d1004',
    'pkg:golang//x@v1.0.0',
    'pkg:golang/x/@v1.0.0',
    'pkg:golang/x@',
    'PKG:golang/x@v1.0.0',
    'pkg:Golang/x@v1.0.0',
    'pkg:golang/x#sub',
    'pkg:deb/debian/bash@5.2?Arch=amd64',
    'pkg:deb/debian/bash@5.2?arch=a+b',
    'pkg:deb/debian/bash@5.2?arch=amd64&arch=i386',
    'pkg:deb/debian/bash@5.2?arch=',
    'pkg:deb/debian/bash@5.2?1arch=amd64',
    'pkg:deb/debian/bash@5.2?',
    'pkg:deb/debian/bash@5.2?arch=amd64#sub',
    'pkg:deb/debian/bash@5.2?arch=amd%2064',
  ])('leaves %s to the full parser', (purl) => {
    expect(parsePlainPurl(purl)).toBeUndefined();
    expectSameAsFull(purl);
  });

  describe.skipIf(!existsSync(specTests))('agrees with parsePurl on the purl-spec suite', () => {
    const inputs = existsSync(specTests) ? specInputs() : [];
    it('has inputs', () => expect(inputs.length).toBeGreaterThan(100));
    it('on every input', () => {
      for (const purl of inputs) expectSameAsFull(purl);
    });
  });

  it('agrees with parsePurl on generated purls', () => {
    const types = ['golang', 'deb', 'rpm', 'apk', 'npm', 'pypi', 'maven', 'cargo', 'gem', 'composer', 'nuget', 'generic', 'GOLANG', 'oci'];
    const alphabet = 'aZ09._~+-/@:%?#= \t_vV';
    const text = fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 24 });
    const purl = fc.oneof(
      fc.tuple(fc.constantFrom(...types), text).map(([type, rest]) => `pkg:${type}/${rest}`),
      fc
        .tuple(fc.constantFrom(...types), fc.array(fc.stringMatching(/^[A-Za-z0-9._~+-]{1,6}$/), { minLength: 1, maxLength: 4 }), fc.option(fc.stringMatching(/^v?[0-9][0-9A-Za-z.+~:-]{0,10}$/)))
        .map(([type, segments, version]) => `pkg:${type}/${segments.join('/')}${version === null ? '' : `@${version}`}`),
      text.map((rest) => `pkg:${rest}`),
      // With qualifiers, plain or not.
      fc
        .tuple(
          fc.constantFrom(...types),
          fc.array(fc.stringMatching(/^[A-Za-z0-9._~+-]{1,6}$/), { minLength: 1, maxLength: 3 }),
          fc.stringMatching(/^[0-9][0-9A-Za-z.+~:-]{0,8}$/),
          fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9._-]{0,6}$/), fc.string({ unit: fc.constantFrom(...'aZ09._~+-:% =&#?'.split('')), maxLength: 8 })), { minLength: 1, maxLength: 3 }),
        )
        .map(([type, segments, version, qualifiers]) => `pkg:${type}/${segments.join('/')}@${version}?${qualifiers.map(([k, v]) => `${k}=${v}`).join('&')}`),
    );
    let plain = 0;
    fc.assert(
      fc.property(purl, (p) => {
        if (parsePlainPurl(p) !== undefined) plain++;
        expectSameAsFull(p);
      }),
      { numRuns: 5000 },
    );
    // Enough of them take the plain path for the agreement to mean something.
    expect(plain).toBeGreaterThan(500);
  });
});
