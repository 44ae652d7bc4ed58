/**
 * @module Reads an SPDX 2.3 JSON document into an Inventory.
 *
 * Vigil's own documents come back exactly as written, from the annotations `facts.ts` describes.
 * Other tools' documents give a best-effort Inventory: the described package is the target, the
 * first OPERATING-SYSTEM package is the distro, and every package with a purl of a type Vigil
 * models is a package (the rest are counted in one warning).
 *
 * Hashes come from `checksums` in both cases. A package of ours is a development dependency when
 * its facts say so; a foreign package when it is DEV_DEPENDENCY_OF something and no relationship
 * makes it an ordinary (DEPENDENCY_OF, RUNTIME_DEPENDENCY_OF or DEPENDS_ON) dependency.
 */
import type { Distro } from '../../model/distro.js';
import type { Inventory, TargetDescription } from '../../model/inventory.js';
import type { Package, PackageHash } from '../../model/package.js';
import { parsePurl, type PurlParts } from '../../model/purl.js';
import { hashFromSpdx } from '../hashes.js';
import { asRecord, asRecords, asString, type JsonRecord } from '../json.js';
import { ecosystemOfPurl, isPackageType } from '../package-types.js';
import { SkipTally, type ReadSbomOptions } from '../read-options.js';
import { factPrefix, findFacts, toDistro, toPackageFacts, toTargetFacts, type TargetFacts } from './facts.js';

function commentsOf(pkg: JsonRecord): string[] {
  return asRecords(pkg.annotations)
    .map((annotation) => asString(annotation.comment))
    .filter((comment): comment is string => comment !== undefined);
}

function purlOf(pkg: JsonRecord): string {
  for (const ref of asRecords(pkg.externalRefs)) {
    const category = asString(ref.referenceCategory);
    if ((category === 'PACKAGE-MANAGER' || category === 'PACKAGE_MANAGER') && ref.referenceType === 'purl') {
      const locator = asString(ref.referenceLocator);
      if (locator !== undefined) return locator;
    }
  }
  return '';
}

function describedIds(document: JsonRecord): Set<string> {
  const ids = new Set<string>();
  for (const id of Array.isArray(document.documentDescribes) ? document.documentDescribes : []) {
    if (typeof id === 'string') ids.add(id);
  }
  const documentId = asString(document.SPDXID) ?? 'SPDXRef-DOCUMENT';
  for (const relationship of asRecords(document.relationships)) {
    const related = asString(relationship.relatedSpdxElement);
    if (related === undefined) continue;
    if (relationship.spdxElementId === documentId && relationship.relationshipType === 'DESCRIBES') ids.add(related);
    if (relationship.relatedSpdxElement === documentId && relationship.relationshipType === 'DESCRIBED_BY') {
      const element = asString(relationship.spdxElementId);
      if (element !== undefined) ids.add(element);
    }
  }
  return ids;
}

function text(value: unknown): string | undefined {
  const result = asString(value);
  return result === undefined || result === 'NOASSERTION' || result === 'NONE' ? undefined : result;
}

function foreignDistro(pkg: JsonRecord, options: ReadSbomOptions): Distro {
  const versionId = text(pkg.versionInfo);
  const cpe = asRecords(pkg.externalRefs).find((ref) => ref.referenceCategory === 'SECURITY' && /^cpe2[23]Type$/.test(String(ref.referenceType)));
  const cpeName = asString(cpe?.referenceLocator);
  return {
    id: (asString(pkg.name) ?? '').toLowerCase(),
    ...(versionId !== undefined ? { versionId } : {}),
    idLike: [],
    ...(cpeName !== undefined ? { cpeName } : {}),
    source: options.path ?? 'sbom',
  };
}

/** The checksums Vigil models, in document order; others (SHA384, BLAKE3, …) are left out. */
function readHashes(pkg: JsonRecord): PackageHash[] | undefined {
  const hashes: PackageHash[] = [];
  for (const checksum of asRecords(pkg.checksums)) {
    const hash = hashFromSpdx(checksum.algorithm, checksum.checksumValue);
    if (hash) hashes.push(hash);
  }
  return hashes.length > 0 ? hashes : undefined;
}

/** Elements a foreign document names only as development dependencies. */
function developmentIds(document: JsonRecord): Set<string> {
  const development = new Set<string>();
  const ordinary = new Set<string>();
  for (const relationship of asRecords(document.relationships)) {
    const element = asString(relationship.spdxElementId);
    const related = asString(relationship.relatedSpdxElement);
    const type = relationship.relationshipType;
    if (type === 'DEV_DEPENDENCY_OF' && element !== undefined) development.add(element);
    if ((type === 'DEPENDENCY_OF' || type === 'RUNTIME_DEPENDENCY_OF') && element !== undefined) ordinary.add(element);
    if (type === 'DEPENDS_ON' && related !== undefined) ordinary.add(related);
  }
  for (const id of ordinary) development.delete(id);
  return development;
}

/** The package name a purl gives, in the form Vigil's catalogers write it. */
function nameOfPurl(parts: PurlParts): string | undefined {
  if (!parts.name) return undefined;
  // Only these types name a package with its namespace; for deb, rpm and apk it is the vendor.
  if (!parts.namespace || !['npm', 'maven', 'golang', 'composer'].includes(parts.type)) return parts.name;
  return parts.type === 'maven' ? `${parts.namespace}:${parts.name}` : `${parts.namespace}/${parts.name}`;
}

function readPackage(pkg: JsonRecord, development: Set<string>, skipped: SkipTally): Package | undefined {
  const purl = purlOf(pkg);
  const name = asString(pkg.name) ?? '';
  const facts = findFacts(commentsOf(pkg), factPrefix.package);
  const ours = facts ? toPackageFacts(facts) : undefined;
  const version = asString(pkg.versionInfo);
  const hashes = readHashes(pkg);
  if (ours) return { name, version: version ?? '', purl, ...ours, ...(hashes ? { hashes } : {}) };

  let parts: PurlParts | undefined;
  try {
    parts = purl !== '' ? parsePurl(purl) : undefined;
  } catch {
    parts = undefined;
  }
  const type = parts?.type;
  if (!isPackageType(type)) {
    skipped.skip(purl === '' ? `"${name}" has no purl` : `"${name}" has purl ${purl}`);
    return undefined;
  }
  const declared = text(pkg.licenseDeclared);
  const ecosystem = ecosystemOfPurl(parts!);
  return {
    // Matching goes by the purl's name (Maven group:artifact, npm @scope/name), which SPDX's
    // free-text package name need not spell.
    name: nameOfPurl(parts!) ?? name,
    ...(ecosystem !== undefined ? { ecosystem } : {}),
    version: version ?? parts?.version ?? '',
    type,
    purl,
    ...(declared !== undefined ? { licenses: [declared] } : {}),
    ...(development.has(asString(pkg.SPDXID) ?? '') ? { development: true } : {}),
    ...(hashes ? { hashes } : {}),
    locations: [],
    foundBy: 'sbom-spdx',
  };
}

/** Reads a parsed SPDX 2.3 document (its spdxVersion already checked). */
export function readSpdx(document: JsonRecord, options: ReadSbomOptions = {}): Inventory {
  const described = describedIds(document);
  const development = developmentIds(document);
  const skipped = new SkipTally('SBOM_PACKAGE_SKIPPED', 'SPDX packages');
  const packages: Package[] = [];
  let targetFacts: TargetFacts | undefined;
  let firstDescribed: JsonRecord | undefined;
  let distro: Distro | undefined;

  for (const pkg of asRecords(document.packages)) {
    const comments = commentsOf(pkg);
    const targetJson = findFacts(comments, factPrefix.target);
    const ownTarget = targetJson ? toTargetFacts(targetJson) : undefined;
    if (ownTarget) {
      targetFacts ??= ownTarget;
      continue;
    }
    const distroJson = findFacts(comments, factPrefix.distro);
    const ownDistro = distroJson ? toDistro(distroJson) : undefined;
    if (ownDistro || pkg.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      distro ??= ownDistro ?? foreignDistro(pkg, options);
      continue;
    }
    const isDescribed = described.has(asString(pkg.SPDXID) ?? '');
    if (isDescribed) firstDescribed ??= pkg;
    if (isDescribed && purlOf(pkg) === '') continue;
    const read = readPackage(pkg, development, skipped);
    if (read) packages.push(read);
  }

  const creationInfo = asRecord(document.creationInfo);
  const target: TargetDescription = targetFacts?.target ?? {
    kind: 'directory',
    name: asString(firstDescribed?.name) ?? asString(document.name) ?? options.path ?? 'sbom',
    path: options.path ?? '',
  };
  return {
    target,
    ...(distro ? { distro } : {}),
    packages,
    warnings: [...(targetFacts?.warnings ?? []), ...skipped.warnings()],
    catalogers: targetFacts?.catalogers ?? [],
    createdAt: targetFacts?.createdAt ?? asString(creationInfo?.created) ?? (options.now?.() ?? new Date()).toISOString(),
    tool: targetFacts?.tool ?? toolFromCreators(creationInfo),
  };
}

function toolFromCreators(creationInfo: JsonRecord | undefined): Inventory['tool'] {
  const creators = Array.isArray(creationInfo?.creators) ? creationInfo.creators : [];
  for (const creator of creators) {
    const match = typeof creator === 'string' ? /^Tool:\s*(.+?)(?:-(v?\d[^\s-]*))?\s*$/.exec(creator) : null;
    if (match) return { name: match[1] as string, version: match[2] ?? '' };
  }
  return { name: 'unknown', version: '' };
}
