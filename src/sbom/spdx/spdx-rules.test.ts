/**
 * Checks written SPDX 2.3 documents against the rules of the SPDX 2.3 specification that Vigil
 * relies on (clauses 6, 7, 10, 11 and 12 and Annex D), written out here as assertions.
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../model/inventory.js';
import { parsePurl } from '../../model/purl.js';
import { fixtureInventories, generatedInventory, imageInventory } from '../../../test/harness/inventory.js';
import { parseSpdxExpression } from '../license-expression.js';
import { buildSpdx, writeSpdx, type SpdxDocument } from './write.js';

const idPattern = /^SPDXRef-[A-Za-z0-9.-]+$/;
const licenseRefPattern = /^LicenseRef-[A-Za-z0-9.-]+$/;
const utcSeconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const entity = /^(Person|Organization): .+/;
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
}

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
