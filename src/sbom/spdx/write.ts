/**
 * @module Writes an Inventory as an SPDX 2.3 JSON document.
 *
 * Packages: the target (primaryPackagePurpose CONTAINER for an image, APPLICATION for a
 * directory), the operating system (OPERATING-SYSTEM) and every package (LIBRARY, with its purl as
 * a PACKAGE-MANAGER external reference, its hashes as `checksums` under SPDX's algorithm names).
 * Relationships: the document DESCRIBES the target; the target CONTAINS the operating system and
 * every package; a development-only dependency is also DEV_DEPENDENCY_OF the target (the project
 * that needs it is not modelled, so the target stands for it). Vigil's own facts ride in annotations
 * (see `facts.ts`). Licences: `licenseDeclared` is the package's licences joined with AND; a
 * licence that is not a valid SPDX expression becomes a `LicenseRef-…` with its text in
 * `hasExtractedLicensingInfos`. `licenseConcluded` is NOASSERTION: Vigil concludes nothing.
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import { randomUUID } from 'node:crypto';
import type { Distro } from '../../model/distro.js';
import type { Inventory, TargetDescription } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import { shortDigest } from '../digest.js';
import { spdxAlgorithm, writableHashes } from '../hashes.js';
import { stringifyDocument } from '../json.js';
import { isCompoundExpression, parseSpdxExpression } from '../license-expression.js';
import { compareStrings, sortPackages } from '../order.js';
import { encodeFacts, factPrefix, type PackageFacts, type TargetFacts } from './facts.js';

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY';
  referenceType: 'purl' | 'cpe22Type' | 'cpe23Type';
  referenceLocator: string;
}

export interface SpdxChecksum {
  algorithm: string;
  checksumValue: string;
}

export interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER' | 'REVIEW';
  annotator: string;
  comment: string;
}

export type SpdxPurpose = 'APPLICATION' | 'CONTAINER' | 'OPERATING-SYSTEM' | 'LIBRARY';

export interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier: string;
  originator: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: SpdxChecksum[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: SpdxPurpose;
  annotations: SpdxAnnotation[];
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEV_DEPENDENCY_OF';
  relatedSpdxElement: string;
}

export interface SpdxExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
  relationships: SpdxRelationship[];
}

export interface WriteSpdxOptions {
  /** Fixed UUID for the document namespace; a random one by default. */
  uuid?: string;
}

/** Base of every document namespace. `.invalid` (RFC 2606) says it is a name, never a download. */
export const namespaceBase = 'https://vigil.invalid/spdx';

/** The idstring characters SPDX allows: letters, digits, `.` and `-`. */
export function sanitiseIdstring(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** SPDX `created`: UTC, whole seconds, `Z`. */
export function spdxTimestamp(createdAt: string): string {
  const parsed = new Date(createdAt);
  if (Number.isNaN(parsed.getTime())) {
    throw new Error(`inventory.createdAt "${createdAt}" is not a date; SBOM writers need an ISO 8601 timestamp`);
  }
  return parsed.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Turns licence strings into declared expressions, collecting the LicenseRefs they need. */
class LicenseCatalog {
  /** licenseId → extracted text (undefined for refs a valid expression names, with no text known). */
  private readonly refs = new Map<string, string | undefined>();

  declared(licenses: readonly string[] | undefined): string {
    // A blank entry says nothing about the licence; it is kept in the annotation only.
    const parts = (licenses ?? []).filter((license) => license.trim() !== '').map((license) => this.expression(license));
    if (parts.length === 0) return 'NOASSERTION';
    if (parts.length === 1) return parts[0] as string;
    return parts.map((part) => (isCompoundExpression(part) ? `(${part})` : part)).join(' AND ');
  }

  private expression(license: string): string {
    const facts = parseSpdxExpression(license);
    if (facts && !facts.usesDocumentRefs) {
      for (const ref of facts.licenseRefs) if (!this.refs.has(ref)) this.refs.set(ref, undefined);
      return license.trim();
    }
    return this.refFor(license);
  }

  private refFor(text: string): string {
    const base = `LicenseRef-${sanitiseIdstring(text)}`;
    for (const candidate of [base, `${base}-${shortDigest(text, 8)}`, `LicenseRef-${shortDigest(text, 32)}`]) {
      if (!this.refs.has(candidate) || this.refs.get(candidate) === text) {
        this.refs.set(candidate, text);
        return candidate;
      }
    }
    throw new Error(`cannot name licence "${text}"`);
  }

  extracted(): SpdxExtractedLicense[] {
    return [...this.refs.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([licenseId, text]) => ({
        licenseId,
        extractedText: text ?? `The package declares ${licenseId}; its text was not recorded.`,
        name: text ?? licenseId,
      }));
  }
}

interface Context {
  created: string;
  creator: string;
  licenses: LicenseCatalog;
  usedIds: Set<string>;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function annotation(ctx: Context, comment: string): SpdxAnnotation {
  return { annotationDate: ctx.created, annotationType: 'OTHER', annotator: ctx.creator, comment };
}

function basePackage(name: string, SPDXID: string, versionInfo: string | undefined): Omit<SpdxPackage, 'primaryPackagePurpose' | 'annotations'> {
  return {
    name,
    SPDXID,
    ...(versionInfo ? { versionInfo } : {}),
    supplier: 'NOASSERTION',
    originator: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
  };
}

/** SPDX wants a name for the document and for every package: the target's, else its path. */
function documentName(target: TargetDescription): string {
  return target.name !== '' ? target.name : target.path !== '' ? target.path : 'unnamed';
}

function targetPackage(inventory: Inventory, ctx: Context): SpdxPackage {
  const target: TargetDescription = inventory.target;
  const image = target.kind !== 'directory' && target.kind !== 'zip' && target.kind !== 'file';
  const id = uniqueId(`SPDXRef-DocumentRoot-${image ? 'Image' : 'Directory'}-${sanitiseIdstring(documentName(target))}`, ctx.usedIds);
  const facts: TargetFacts = {
    target,
    catalogers: inventory.catalogers,
    warnings: inventory.warnings,
    tool: inventory.tool,
    createdAt: inventory.createdAt,
  };
  return {
    ...basePackage(documentName(target), id, image ? target.manifestDigest : undefined),
    primaryPackagePurpose: image ? 'CONTAINER' : 'APPLICATION',
    annotations: [annotation(ctx, encodeFacts(factPrefix.target, facts))],
  };
}

function distroPackage(distro: Distro, ctx: Context): SpdxPackage {
  const id = uniqueId(`SPDXRef-OperatingSystem-${sanitiseIdstring(distro.id)}`, ctx.usedIds);
  const cpe = distro.cpeName;
  const externalRefs: SpdxExternalRef[] =
    cpe && /^cpe:(2\.3:|\/)/.test(cpe)
      ? [{ referenceCategory: 'SECURITY', referenceType: cpe.startsWith('cpe:2.3:') ? 'cpe23Type' : 'cpe22Type', referenceLocator: cpe }]
      : [];
  return {
    ...basePackage(distro.id !== '' ? distro.id : 'unknown', id, distro.versionId),
    ...(externalRefs.length > 0 ? { externalRefs } : {}),
    primaryPackagePurpose: 'OPERATING-SYSTEM',
    annotations: [annotation(ctx, encodeFacts(factPrefix.distro, distro))],
  };
}

function packageFacts(pkg: Package): PackageFacts {
  // Spelled out so that name, version, purl and hashes stay in their SPDX fields only. An empty licence
  // list or metadata object is left out, as the CycloneDX writer does.
  const { type, ecosystem, arch, source, licenses, development, locations, layer, foundBy, metadata } = pkg;
  return {
    type,
    ecosystem,
    arch,
    source,
    licenses: licenses && licenses.length > 0 ? licenses : undefined,
    development: development === true ? true : undefined,
    locations,
    layer,
    foundBy,
    metadata: metadata && Object.keys(metadata).length > 0 ? metadata : undefined,
  };
}

function softwarePackage(pkg: Package, ctx: Context): SpdxPackage {
  const digest = shortDigest([pkg.purl, pkg.name, pkg.version, ...pkg.locations.map((l) => l.path)].join('\n'));
  const id = uniqueId(`SPDXRef-Package-${pkg.type}-${sanitiseIdstring(pkg.name).slice(0, 64)}-${digest}`, ctx.usedIds);
  const paths = pkg.locations.map((location) => location.path);
  const checksums = writableHashes(pkg.hashes).map((hash): SpdxChecksum => ({ algorithm: spdxAlgorithm(hash.algorithm), checksumValue: hash.value }));
  return {
    ...basePackage(pkg.name, id, pkg.version),
    ...(checksums.length > 0 ? { checksums } : {}),
    ...(paths.length > 0 ? { sourceInfo: `acquired by the ${pkg.foundBy} cataloger from ${paths.join(', ')}` } : {}),
    licenseDeclared: ctx.licenses.declared(pkg.licenses),
    ...(pkg.purl !== '' ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }] } : {}),
    primaryPackagePurpose: 'LIBRARY',
    annotations: [annotation(ctx, encodeFacts(factPrefix.package, packageFacts(pkg)))],
  };
}

function creatorOf(tool: Inventory['tool']): string {
  return `Tool: ${tool.name}${tool.version !== '' ? `-${tool.version}` : ''}`;
}

export function buildSpdx(inventory: Inventory, options: WriteSpdxOptions = {}): SpdxDocument {
  const ctx: Context = {
    created: spdxTimestamp(inventory.createdAt),
    creator: creatorOf(inventory.tool),
    licenses: new LicenseCatalog(),
    usedIds: new Set(['SPDXRef-DOCUMENT']),
  };
  const target = targetPackage(inventory, ctx);
  const contained: SpdxPackage[] = [];
  if (inventory.distro) contained.push(distroPackage(inventory.distro, ctx));
  const development: SpdxRelationship[] = [];
  for (const pkg of sortPackages(inventory.packages)) {
    const written = softwarePackage(pkg, ctx);
    contained.push(written);
    if (pkg.development === true) {
      development.push({ spdxElementId: written.SPDXID, relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: target.SPDXID });
    }
  }
  const extracted = ctx.licenses.extracted();
  const uuid = options.uuid ?? randomUUID();
  const name = documentName(inventory.target);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `${namespaceBase}/${inventory.target.kind}/${sanitiseIdstring(name)}-${uuid}`,
    creationInfo: { created: ctx.created, creators: [ctx.creator] },
    packages: [target, ...contained],
    ...(extracted.length > 0 ? { hasExtractedLicensingInfos: extracted } : {}),
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: target.SPDXID },
      ...contained.map((pkg): SpdxRelationship => ({
        spdxElementId: target.SPDXID,
        relationshipType: 'CONTAINS',
        relatedSpdxElement: pkg.SPDXID,
      })),
      ...development,
    ],
  };
}

export function writeSpdx(inventory: Inventory, options: WriteSpdxOptions = {}): string {
  return stringifyDocument(buildSpdx(inventory, options));
}
