import { describe, expect, it } from 'vitest';
import { readSbom } from '../index.js';

/** A foreign SPDX 2.3 document: an application that holds the given npm packages. */
function foreignDocument(packages: object[], relationships: object[]): string {
  return JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'web',
    creationInfo: { created: '2024-03-01T12:00:00Z', creators: ['Tool: other-scanner-2.7.1'] },
    packages: [
      { SPDXID: 'SPDXRef-web', name: 'web', primaryPackagePurpose: 'APPLICATION' },
      ...packages.map((pkg) => ({ primaryPackagePurpose: 'LIBRARY', ...pkg })),
    ],
    relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-web' }, ...relationships],
  });
}

const npm = (name: string, extra: object = {}) => ({
  SPDXID: `SPDXRef-${name}`,
  name,
  versionInfo: '1.0.0',
  externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/${name}@1.0.0` }],
  ...extra,
});

describe("reading another tool's SPDX document", () => {
  it('takes a package that is only DEV_DEPENDENCY_OF something for a development dependency', () => {
    const text = foreignDocument(
      [npm('vitest'), npm('both'), npm('lodash')],
      [
        { spdxElementId: 'SPDXRef-vitest', relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-web' },
        { spdxElementId: 'SPDXRef-both', relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-web' },
        { spdxElementId: 'SPDXRef-web', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-both' },
        { spdxElementId: 'SPDXRef-lodash', relationshipType: 'DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-web' },
      ],
    );
    expect(readSbom(text).packages.map((p) => [p.name, p.development])).toEqual([
      ['vitest', true],
      ['both', undefined],
      ['lodash', undefined],
    ]);
  });

  it('reads the checksums Vigil models, lower-cased, and leaves out the rest', () => {
    const text = foreignDocument(
      [
        npm('left-pad', {
          checksums: [
            { algorithm: 'SHA384', checksumValue: 'a'.repeat(96) },
            { algorithm: 'SHA1', checksumValue: 'ABCDEF0123'.repeat(4) },
            { algorithm: 'SHA256', checksumValue: 'not hex' },
            { algorithm: 'SHA-256', checksumValue: 'b'.repeat(64) },
          ],
        }),
      ],
      [],
    );
    expect(readSbom(text).packages[0]?.hashes).toEqual([{ algorithm: 'SHA-1', value: 'abcdef0123'.repeat(4) }]);
  });
});
