/**
 * Checks written SPDX 2.3 documents against the rules of the SPDX 2.3 specification that Vigil
 * relies on (clauses 6, 7, 10, 11 and 12 and Annex D), written out here as assertions.
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../model/inventory.js';
import { parsePurl } from '../../model/purl.js';
import { directoryInventory, fixtureInventories, generatedInventory, imageInventory } from '../../../test/harness/inventory.js';
import { parseSpdxExpression } from '../license-expression.js';
import { factPrefix, findFacts } from './facts.js';
import { buildSpdx, writeSpdx, type SpdxDocument, type SpdxPackage } from './write.js';

const idPattern = /^SPDXRef-[A-Za-z0-9.-]+$/;
const licenseRefPattern = /^LicenseRef-[A-Za-z0-9.-]+$/;
const utcSeconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const entity = /^(Person|Organization): .+/;
/** 7.10: the checksum algorithms of SPDX 2.3, with the hex length of those that have a fixed one. */
const checksumHexLength: Record<string, number | undefined> = {
  SHA1: 40, SHA224: 56, SHA256: 64, SHA384: 96, SHA512: 128, MD2: 32, MD4: 32, MD5: 32, MD6: undefined,
  'SHA3-256': 64, 'SHA3-384': 96, 'SHA3-512': 128, 'BLAKE2b-256': 64, 'BLAKE2b-384': 96, 'BLAKE2b-512': 128, BLAKE3: undefined, ADLER32: 8,
};
/** 11.1: the relationship types of SPDX 2.3. */
const relationshipTypes = [
  'DESCRIBES', 'DESCRIBED_BY', 'CONTAINS', 'CONTAINED_BY', 'DEPENDS_ON', 'DEPENDENCY_OF', 'DEPENDENCY_MANIFEST_OF',
  'BUILD_DEPENDENCY_OF', 'DEV_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF', 'PROVIDED_DEPENDENCY_OF', 'TEST_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF', 'EXAMPLE_OF', 'GENERATES', 'GENERATED_FROM', 'ANCESTOR_OF', 'DESCENDANT_OF', 'VARIANT_OF',
  'DISTRIBUTION_ARTIFACT', 'PATCH_FOR', 'PATCH_APPLIED', 'COPY_OF', 'FILE_ADDED', 'FILE_DELETED', 'FILE_MODIFIED',
  'EXPANDED_FROM_ARCHIVE', 'DYNAMIC_LINK', 'STATIC_LINK', 'DATA_FILE_OF', 'TEST_CASE_OF', 'BUILD_TOOL_OF', 'DEV_TOOL_OF',
  'TEST_OF', 'TEST_TOOL_OF', 'DOCUMENTATION_OF', 'OPTIONAL_COMPONENT_OF', 'METAFILE_OF', 'PACKAGE_OF', 'AMENDS',
  'PREREQUISITE_FOR', 'HAS_PREREQUISITE', 'REQUIREMENT_DESCRIPTION_FOR', 'SPECIFICATION_FOR', 'OTHER',
];
const purposes = ['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER'];

/** Every rule, as a list of broken ones (empty when the document keeps them all). */
function brokenRules(document: SpdxDocument): string[] {
  const broken: string[] = [];
  const check = (ok: boolean, rule: string) => {
    if (!ok) broken.push(rule);
  };

  // 6: document creation information.
  check(document.spdxVersion === 'SPDX-2.3', '6.1 spdxVersion is SPDX-2.3');
  check(document.dataLicense === 'CC0-1.0', '6.2 dataLicense is CC0-1.0');
  check(document.SPDXID === 'SPDXRef-DOCUMENT', '6.3 document SPDXID is SPDXRef-DOCUMENT');
  check(typeof document.name === 'string' && document.name !== '', '6.4 document name present');
  let namespace: URL | undefined;
  try {
    namespace = new URL(document.documentNamespace);
  } catch {
    namespace = undefined;
  }
  check(namespace !== undefined && !document.documentNamespace.includes('#'), '6.5 documentNamespace is an absolute URI without #');
  check(utcSeconds.test(document.creationInfo.created), '6.9 created is YYYY-MM-DDThh:mm:ssZ');
  check(
    document.creationInfo.creators.length > 0 && document.creationInfo.creators.every((c) => /^(Tool|Organization|Person): .+/.test(c)),
    '6.8 at least one creator, each Tool:, Organization: or Person:',
  );

  // 7: packages.
  const ids = [document.SPDXID, ...document.packages.map((p) => p.SPDXID)];
  check(new Set(ids).size === ids.length, '3.2 SPDXIDs are unique in the document');
  const extracted = document.hasExtractedLicensingInfos ?? [];
  const declaredRefs = new Set(extracted.map((e) => e.licenseId));
  for (const pkg of document.packages) {
    const where = `package ${pkg.SPDXID}`;
    check(typeof pkg.name === 'string' && pkg.name !== '', `7.1 ${where} has a name`);
    check(idPattern.test(pkg.SPDXID), `7.2 ${where} SPDXID is SPDXRef- then letters, digits, . and -`);
    check(typeof pkg.downloadLocation === 'string' && pkg.downloadLocation !== '', `7.7 ${where} has downloadLocation`);
    check(pkg.filesAnalyzed === false && !('packageVerificationCode' in pkg), `7.8/7.9 ${where} files not analysed, so no verification code`);
    check(pkg.supplier === 'NOASSERTION' || entity.test(pkg.supplier), `7.5 ${where} supplier`);
    check(pkg.originator === 'NOASSERTION' || entity.test(pkg.originator), `7.6 ${where} originator`);
    for (const field of ['licenseConcluded', 'licenseDeclared'] as const) {
      const value = pkg[field];
      const facts = value === 'NOASSERTION' || value === 'NONE' ? { licenseRefs: [], usesDocumentRefs: false } : parseSpdxExpression(value);
      check(facts !== undefined, `7.13/7.15 ${where} ${field} "${value}" is an SPDX expression, NONE or NOASSERTION`);
      check(facts?.usesDocumentRefs !== true, `${where} ${field} needs no external document`);
      for (const ref of facts?.licenseRefs ?? []) check(declaredRefs.has(ref), `10.1 ${where} ${ref} is declared in hasExtractedLicensingInfos`);
    }
    check(purposes.includes(pkg.primaryPackagePurpose), `7.24 ${where} primaryPackagePurpose is one of the listed values`);
    for (const checksum of pkg.checksums ?? []) {
      check(Object.hasOwn(checksumHexLength, checksum.algorithm), `7.10 ${where} checksum algorithm ${checksum.algorithm} is an SPDX 2.3 one`);
      const length = checksumHexLength[checksum.algorithm];
      check(
        /^[0-9a-f]+$/.test(checksum.checksumValue) && (length === undefined || checksum.checksumValue.length === length),
        `7.10 ${where} ${checksum.algorithm} checksum "${checksum.checksumValue}" is lower-case hex of the algorithm's length`,
      );
    }
    for (const ref of pkg.externalRefs ?? []) {
      check(['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER'].includes(ref.referenceCategory), `7.21 ${where} reference category`);
      if (ref.referenceType === 'purl') {
        check(ref.referenceCategory === 'PACKAGE-MANAGER', `Annex F ${where} a purl is a PACKAGE-MANAGER reference`);
        check(ref.referenceLocator.startsWith('pkg:') && !/\s/.test(ref.referenceLocator), `Annex F ${where} purl locator has no spaces`);
      }
    }
    for (const annotation of pkg.annotations) {
      check(entity.test(annotation.annotator) || /^Tool: .+/.test(annotation.annotator), `12.1 ${where} annotator`);
      check(utcSeconds.test(annotation.annotationDate), `12.2 ${where} annotationDate`);
      check(['REVIEW', 'OTHER'].includes(annotation.annotationType), `12.3 ${where} annotationType`);
      check(annotation.comment !== '', `12.5 ${where} annotation comment`);
    }
  }

  // 10: other licensing information.
  check(new Set(extracted.map((e) => e.licenseId)).size === extracted.length, '10.1 licenseIds are unique');
  for (const licence of extracted) {
    check(licenseRefPattern.test(licence.licenseId), `10.1 ${licence.licenseId} is LicenseRef- then letters, digits, . and -`);
    check(typeof licence.extractedText === 'string' && licence.extractedText !== '', `10.2 ${licence.licenseId} has extracted text`);
  }

  // 11: relationships.
  const known = new Set(ids);
  for (const relationship of document.relationships) {
    check(relationshipTypes.includes(relationship.relationshipType), `11.1 ${relationship.relationshipType} is an SPDX 2.3 relationship type`);
    check(known.has(relationship.spdxElementId), `11.1 ${relationship.spdxElementId} exists`);
    check(known.has(relationship.relatedSpdxElement), `11.1 ${relationship.relatedSpdxElement} exists`);
  }
  const describes = document.relationships.filter((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES');
  check(describes.length >= 1, '6.1 the document DESCRIBES at least one element');
  return broken;
}

function expectSpdxFacts(inventory: Inventory, document: SpdxDocument): void {
  expect(brokenRules(document)).toEqual([]);
  const [root, ...rest] = document.packages;
  const described = document.relationships.filter((r) => r.relationshipType === 'DESCRIBES').map((r) => r.relatedSpdxElement);
  expect(described).toEqual([root!.SPDXID]);
  const contained = document.relationships.filter((r) => r.relationshipType === 'CONTAINS');
  expect(contained.every((r) => r.spdxElementId === root!.SPDXID)).toBe(true);
  expect(contained.map((r) => r.relatedSpdxElement)).toEqual(rest.map((p) => p.SPDXID));
  expect(root!.primaryPackagePurpose).toBe(inventory.target.kind === 'directory' ? 'APPLICATION' : 'CONTAINER');
  const os = rest.filter((p) => p.primaryPackagePurpose === 'OPERATING-SYSTEM');
  expect(os).toHaveLength(inventory.distro ? 1 : 0);
  const libraries = rest.filter((p) => p.primaryPackagePurpose === 'LIBRARY');
  expect(libraries).toHaveLength(inventory.packages.length);
  const purls = libraries.flatMap((p) => (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator));
  expect(purls.sort()).toEqual(inventory.packages.map((p) => p.purl).filter((p) => p !== '').sort());
  for (const purl of purls) expect(() => parsePurl(purl)).not.toThrow();
  const development = document.relationships.filter((r) => r.relationshipType === 'DEV_DEPENDENCY_OF');
  expect(development.every((r) => r.relatedSpdxElement === root!.SPDXID)).toBe(true);
  expect(development.map((r) => r.spdxElementId)).toEqual(libraries.filter(isDevelopment).map((p) => p.SPDXID));
  expect(development).toHaveLength(inventory.packages.filter((p) => p.development === true).length);
}

function isDevelopment(pkg: SpdxPackage): boolean {
  return findFacts(pkg.annotations.map((a) => a.comment), factPrefix.package)?.development === true;
}

const packageNamed = (document: SpdxDocument, name: string): SpdxPackage => {
  const pkg = document.packages.find((p) => p.name === name);
  if (!pkg) throw new Error(`no package ${name}`);
  return pkg;
};

describe('SPDX 2.3 documents Vigil writes', () => {
  it.each(fixtureInventories)('keep the SPDX rules: %s', (_name, make) => {
    const inventory = make();
    expectSpdxFacts(inventory, JSON.parse(writeSpdx(inventory)) as SpdxDocument);
  });

  it('keep the SPDX rules for any inventory (property)', () => {
    fc.assert(
      fc.property(generatedInventory, ({ inventory }) => {
        expectSpdxFacts(inventory, buildSpdx(inventory));
      }),
      { numRuns: 150 },
    );
  });

  it('write hashes as checksums with SPDX algorithm names and lower-case hex', () => {
    const document = buildSpdx(directoryInventory());
    expect(packageNamed(document, 'org.apache.logging.log4j:log4j-core').checksums).toEqual([
      { algorithm: 'SHA1', checksumValue: 'a1b2c3'.repeat(7).slice(0, 40) },
      { algorithm: 'SHA256', checksumValue: '0f'.repeat(32) },
    ]);
    expect(packageNamed(document, 'pytest').checksums).toEqual([{ algorithm: 'MD5', checksumValue: 'd5'.repeat(16) }]);
    expect(packageNamed(buildSpdx(imageInventory()), '@babel/core').checksums).toEqual([{ algorithm: 'SHA512', checksumValue: '5e12'.repeat(32) }]);
    expect(packageNamed(document, 'zope.interface')).not.toHaveProperty('checksums');
  });

  it('mark a development dependency in its facts and with DEV_DEPENDENCY_OF the target, besides CONTAINS', () => {
    const document = buildSpdx(directoryInventory());
    const [root] = document.packages;
    const pytest = packageNamed(document, 'pytest');
    const about = (id: string) => document.relationships.filter((r) => r.spdxElementId === id || r.relatedSpdxElement === id);
    expect(about(pytest.SPDXID)).toEqual([
      { spdxElementId: root!.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: pytest.SPDXID },
      { spdxElementId: pytest.SPDXID, relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: root!.SPDXID },
    ]);
    expect(isDevelopment(pytest)).toBe(true);
    for (const pkg of document.packages.filter((p) => p.primaryPackagePurpose === 'LIBRARY' && p.name !== 'pytest')) {
      expect(isDevelopment(pkg)).toBe(false);
      expect(about(pkg.SPDXID).map((r) => r.relationshipType)).toEqual(['CONTAINS']);
    }
  });

  it('get a new documentNamespace on every call', () => {
    const inventory = imageInventory();
    const namespaces = new Set(Array.from({ length: 20 }, () => buildSpdx(inventory).documentNamespace));
    expect(namespaces.size).toBe(20);
  });

  it('turn licences that are not SPDX expressions into declared LicenseRefs', () => {
    const inventory = imageInventory();
    inventory.packages = [
      { ...inventory.packages[0]!, licenses: ['GPLv2+ and LGPL', 'MIT', 'Lizenz für alle ✓'] },
      { ...inventory.packages[1]!, licenses: ['LicenseRef-vendor OR Apache-2.0', 'DocumentRef-x:LicenseRef-y'] },
    ];
    const document = buildSpdx(inventory);
    const declared = Object.fromEntries(document.packages.map((p) => [p.name, p.licenseDeclared]));
    expect(declared[inventory.packages[0]!.name]).toBe('LicenseRef-GPLv2-and-LGPL AND MIT AND LicenseRef-Lizenz-f-r-alle');
    expect(declared[inventory.packages[1]!.name]).toBe('(LicenseRef-vendor OR Apache-2.0) AND LicenseRef-DocumentRef-x-LicenseRef-y');
    expect(document.hasExtractedLicensingInfos).toEqual([
      { licenseId: 'LicenseRef-DocumentRef-x-LicenseRef-y', extractedText: 'DocumentRef-x:LicenseRef-y', name: 'DocumentRef-x:LicenseRef-y' },
      { licenseId: 'LicenseRef-GPLv2-and-LGPL', extractedText: 'GPLv2+ and LGPL', name: 'GPLv2+ and LGPL' },
      { licenseId: 'LicenseRef-Lizenz-f-r-alle', extractedText: 'Lizenz für alle ✓', name: 'Lizenz für alle ✓' },
      { licenseId: 'LicenseRef-vendor', extractedText: 'The package declares LicenseRef-vendor; its text was not recorded.', name: 'LicenseRef-vendor' },
    ]);
  });

  it('give two different texts that sanitise alike two LicenseRefs', () => {
    const inventory = imageInventory();
    inventory.packages = [
      { ...inventory.packages[0]!, licenses: ['Foo Bar'] },
      { ...inventory.packages[1]!, licenses: ['Foo/Bar'] },
    ];
    const ids = (buildSpdx(inventory).hasExtractedLicensingInfos ?? []).map((e) => e.licenseId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });
});
