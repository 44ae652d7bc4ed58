/**
 * @module Reads a CycloneDX 1.4–1.6 JSON BOM into an Inventory.
 *
 * Vigil's own BOMs come back exactly as written (the `vigil:` properties carry what CycloneDX has
 * no field for). Other tools' BOMs give a best-effort Inventory: every component (nested ones too)
 * with a purl of a type Vigil models becomes a package, the first `operating-system` component
 * becomes the distro, and the rest is counted in one warning.
 *
 * A package is a development dependency only when it carries `vigil:package:development` = true.
 * Scope "optional" is not read as one: CycloneDX means "not needed at run time" by it, which
 * other tools also write for optional or peer dependencies that ship to production.
 */
import type { Distro } from '../../model/distro.js';
import type { CatalogerRef, Inventory, TargetDescription } from '../../model/inventory.js';
import type { LayerRef, Location, Package, PackageHash, PackageMetadata, PackageType } from '../../model/package.js';
import { parsePurl, type PurlParts } from '../../model/purl.js';
import type { Warning } from '../../model/warning.js';
import { hashFromCycloneDx } from '../hashes.js';
import { asRecord, asRecords, asString, parseIndex, type JsonRecord } from '../json.js';
import { ecosystemOfPurl, isPackageType } from '../package-types.js';
import { PropertyBag, type Property } from '../properties.js';
import { SkipTally, type ReadSbomOptions } from '../read-options.js';
import { distroProperty, inventoryProperty, packageProperty, targetProperty } from './names.js';

export const readableCycloneDxVersions = ['1.4', '1.5', '1.6'] as const;

function propertiesOf(component: JsonRecord | undefined): PropertyBag {
  const properties: Property[] = [];
  for (const item of asRecords(component?.properties)) {
    const name = asString(item.name);
    if (name !== undefined) properties.push({ name, value: asString(item.value) ?? '' });
  }
  return new PropertyBag(properties);
}

function layerFrom(index: string | undefined, digest: string | undefined, diffId: string | undefined): LayerRef | undefined {
  const position = parseIndex(index);
  if (position === undefined || digest === undefined) return undefined;
  return { index: position, digest, ...(diffId !== undefined ? { diffId } : {}) };
}

function readTool(metadata: JsonRecord | undefined): Inventory['tool'] {
  const tools = metadata?.tools;
  const first = Array.isArray(tools)
    ? asRecord(tools[0])
    : (asRecords(asRecord(tools)?.components)[0] ?? asRecords(asRecord(tools)?.services)[0]);
  return { name: asString(first?.name) ?? 'unknown', version: asString(first?.version) ?? '' };
}

function readTarget(component: JsonRecord | undefined, options: ReadSbomOptions): TargetDescription {
  const properties = propertiesOf(component);
  const name = asString(component?.name) ?? options.path ?? 'sbom';
  const path = properties.get(targetProperty.path) ?? options.path ?? '';
  const kind = properties.get(targetProperty.kind);
  if (kind === 'docker-archive' || kind === 'oci-archive' || kind === 'oci-dir') {
    const variant = properties.get(targetProperty.platformVariant);
    const layers: LayerRef[] = [];
    for (const group of properties.indexed(targetProperty.layerPrefix)) {
      const layer = layerFrom(group.get('index'), group.get('digest'), group.get('diff-id'));
      if (layer) layers.push(layer);
    }
    return {
      kind,
      name,
      path,
      manifestDigest: properties.get(targetProperty.manifestDigest) ?? asString(component?.version) ?? '',
      imageId: properties.get(targetProperty.imageId) ?? '',
      platform: {
        os: properties.get(targetProperty.platformOs) ?? '',
        architecture: properties.get(targetProperty.platformArchitecture) ?? '',
        ...(variant !== undefined ? { variant } : {}),
      },
      layers,
      tags: properties.all(targetProperty.tag),
    };
  }
  return { kind: 'directory', name, path };
}

function readInventoryProperties(metadata: JsonRecord | undefined): { catalogers: CatalogerRef[]; warnings: Warning[] } {
  const properties = propertiesOf(metadata);
  const catalogers: CatalogerRef[] = [];
  for (const group of properties.indexed(inventoryProperty.catalogerPrefix)) {
    const name = group.get('name');
    if (name !== undefined) catalogers.push({ name, version: Number(group.get('version') ?? 0) });
  }
  const warnings: Warning[] = [];
  for (const group of properties.indexed(inventoryProperty.warningPrefix)) {
    const code = group.get('code');
    if (code === undefined) continue;
    const path = group.get('path');
    const count = group.get('count');
    warnings.push({
      code,
      message: group.get('message') ?? '',
      ...(path !== undefined ? { path } : {}),
      ...(count !== undefined ? { count: Number(count) } : {}),
    });
  }
  return { catalogers, warnings };
}

function readDistro(component: JsonRecord, options: ReadSbomOptions): Distro {
  const properties = propertiesOf(component);
  const versionId = asString(component.version);
  const codename = properties.get(distroProperty.codename);
  const name = properties.get(distroProperty.name);
  const prettyName = properties.get(distroProperty.prettyName);
  const cpeName = asString(component.cpe);
  return {
    id: asString(component.name) ?? '',
    ...(versionId !== undefined ? { versionId } : {}),
    ...(codename !== undefined ? { codename } : {}),
    idLike: properties.all(distroProperty.idLike),
    ...(name !== undefined ? { name } : {}),
    ...(prettyName !== undefined ? { prettyName } : {}),
    ...(cpeName !== undefined ? { cpeName } : {}),
    source: properties.get(distroProperty.source) ?? options.path ?? 'sbom',
  };
}

function readLicenses(component: JsonRecord): string[] | undefined {
  const licenses: string[] = [];
  for (const choice of asRecords(component.licenses)) {
    const expression = asString(choice.expression);
    if (expression !== undefined) {
      licenses.push(expression);
      continue;
    }
    const license = asRecord(choice.license);
    const text = asString(license?.id) ?? asString(license?.name);
    if (text !== undefined) licenses.push(text);
  }
  return licenses.length > 0 ? licenses : undefined;
}

/** The hashes Vigil models, in document order; others (SHA-384, BLAKE3, …) are left out. */
function readHashes(component: JsonRecord): PackageHash[] | undefined {
  const hashes: PackageHash[] = [];
  for (const item of asRecords(component.hashes)) {
    const hash = hashFromCycloneDx(item.alg, item.content);
    if (hash) hashes.push(hash);
  }
  return hashes.length > 0 ? hashes : undefined;
}

function readMetadata(properties: PropertyBag): PackageMetadata | undefined {
  const entries: [string, string | number | boolean][] = [];
  for (const [key, value] of properties.withPrefix(packageProperty.metadataPrefix)) {
    const type = properties.get(`${packageProperty.metadataTypePrefix}${key}`);
    entries.push([key, type === 'number' ? Number(value) : type === 'boolean' ? value === 'true' : value]);
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The package name as Vigil's catalogers write it, from a foreign component's group and name. */
function foreignName(component: JsonRecord, type: PackageType, purl: PurlParts): string {
  const name = asString(component.name) ?? purl.name;
  const group = asString(component.group) ?? '';
  if (group === '' || name.includes('/') || name.includes(':')) return name;
  return type === 'maven' ? `${group}:${name}` : `${group}/${name}`;
}

function readPackage(component: JsonRecord, skipped: SkipTally): Package | undefined {
  const properties = propertiesOf(component);
  const purl = asString(component.purl) ?? '';
  let parts: PurlParts | undefined;
  if (purl !== '') {
    try {
      parts = parsePurl(purl);
    } catch {
      parts = undefined;
    }
  }
  const type = properties.get(packageProperty.type) ?? parts?.type;
  const label = `"${asString(component.name) ?? '?'}"`;
  if (!isPackageType(type)) {
    skipped.skip(purl === '' ? `${label} has no purl` : `${label} has purl ${purl}`);
    return undefined;
  }
  const ours = properties.has(packageProperty.cataloger);
  const locations: Location[] = [];
  for (const group of properties.indexed(packageProperty.locationPrefix)) {
    const path = group.get('path');
    if (path === undefined) continue;
    const layer = layerFrom(group.get('layer-index'), group.get('layer-digest'), group.get('layer-diff-id'));
    locations.push({ path, ...(layer ? { layer } : {}) });
  }
  const layer = layerFrom(
    properties.get(packageProperty.layerIndex),
    properties.get(packageProperty.layerDigest),
    properties.get(packageProperty.layerDiffId),
  );
  const ecosystem = properties.get(packageProperty.ecosystem) ?? (ours || !parts ? undefined : ecosystemOfPurl(parts));
  const arch = properties.get(packageProperty.arch);
  const sourceName = properties.get(packageProperty.sourceName);
  const sourceVersion = properties.get(packageProperty.sourceVersion);
  const licenses = readLicenses(component);
  const hashes = readHashes(component);
  const metadata = readMetadata(properties);
  return {
    name: ours || !parts ? (asString(component.name) ?? '') : foreignName(component, type, parts),
    version: asString(component.version) ?? parts?.version ?? '',
    type,
    purl,
    ...(ecosystem !== undefined ? { ecosystem } : {}),
    ...(arch !== undefined ? { arch } : {}),
    ...(sourceName !== undefined
      ? { source: { name: sourceName, ...(sourceVersion !== undefined ? { version: sourceVersion } : {}) } }
      : {}),
    ...(licenses ? { licenses } : {}),
    ...(properties.get(packageProperty.development) === 'true' ? { development: true } : {}),
    ...(hashes ? { hashes } : {}),
    locations,
    ...(layer ? { layer } : {}),
    foundBy: properties.get(packageProperty.cataloger) ?? 'sbom-cyclonedx',
    ...(metadata ? { metadata } : {}),
  };
}

/** Reads a parsed CycloneDX document (its bomFormat and specVersion already checked). */
export function readCycloneDx(document: JsonRecord, options: ReadSbomOptions = {}): Inventory {
  const metadata = asRecord(document.metadata);
  const skipped = new SkipTally('SBOM_COMPONENT_SKIPPED', 'CycloneDX components');
  const packages: Package[] = [];
  let distro: Distro | undefined;

  const visit = (components: unknown): void => {
    for (const component of asRecords(components)) {
      if (component.type === 'operating-system' && !distro) distro = readDistro(component, options);
      else {
        const pkg = readPackage(component, skipped);
        if (pkg) packages.push(pkg);
      }
      visit(component.components);
    }
  };
  const subject = asRecord(metadata?.component);
  if (subject && !propertiesOf(subject).has(targetProperty.kind) && asString(subject.purl)) {
    // A foreign BOM about one package (an npm project, a jar): that package is scanned too.
    const pkg = readPackage(subject, skipped);
    if (pkg) packages.push(pkg);
  }
  visit(subject?.components);
  visit(document.components);

  const { catalogers, warnings } = readInventoryProperties(metadata);
  return {
    target: readTarget(subject, options),
    ...(distro ? { distro } : {}),
    packages,
    warnings: [...warnings, ...skipped.warnings()],
    catalogers,
    createdAt: asString(metadata?.timestamp) ?? (options.now?.() ?? new Date()).toISOString(),
    tool: readTool(metadata),
  };
}

export function isCycloneDx(document: JsonRecord): boolean {
  return document.bomFormat === 'CycloneDX';
}

