/**
 * @module Writes an Inventory as a CycloneDX 1.4, 1.5 or 1.6 JSON BOM.
 *
 * Shape, and why:
 * - `metadata.component` is the target: an image is a `container` (version = manifest digest); a
 *   directory is an `application`, since CycloneDX's `file` means one computer file and the BOM
 *   subject of a scanned tree is the software it holds (the same choice Trivy makes).
 * - The distro is a component of type `operating-system` (name = os-release ID, version =
 *   VERSION_ID, `cpe` = CPE_NAME).
 * - Every package, OS packages included, is a `library` component, as Syft writes them: CycloneDX
 *   has no separate type for an OS package, and the purl type already says what it is.
 * - A development-only dependency gets scope `optional` (the package is not needed at run time)
 *   and the property `vigil:package:development` = `true`; other packages get no scope, which
 *   CycloneDX reads as `required`. Hashes go in `hashes` under CycloneDX's algorithm names.
 * - Everything else Vigil knows rides in `vigil:` properties (see `names.ts`), so `readCycloneDx`
 *   gets the same Inventory back.
 * - One dependency entry: the target depends on the OS and on every package. Packages get no
 *   entries of their own: their dependencies are unknown, not empty.
 * @see https://cyclonedx.org/docs/1.6/json/
 */
import { randomUUID } from 'node:crypto';
import type { Distro } from '../../model/distro.js';
import type { Inventory, TargetDescription } from '../../model/inventory.js';
import type { Location, Package } from '../../model/package.js';
import { parsePurl } from '../../model/purl.js';
import { stringifyDocument } from '../json.js';
import { isSpdxExpression } from '../license-expression.js';
import { cycloneDxAlgorithm, writableHashes } from '../hashes.js';
import { compareStrings, sortPackages } from '../order.js';
import { PropertyList, type Property } from '../properties.js';
import { distroProperty, inventoryProperty, packageProperty, targetProperty } from './names.js';

export type CycloneDxVersion = '1.4' | '1.5' | '1.6';

export const cycloneDxVersions: readonly CycloneDxVersion[] = ['1.4', '1.5', '1.6'];

export type CdxLicenseChoice = { expression: string } | { license: { id: string } | { name: string } };

export interface CdxHash {
  alg: string;
  content: string;
}

export interface CdxComponent {
  type: 'application' | 'container' | 'library' | 'operating-system';
  'bom-ref'?: string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  scope?: 'required' | 'optional' | 'excluded';
  hashes?: CdxHash[];
  licenses?: CdxLicenseChoice[];
  cpe?: string;
  purl?: string;
  properties?: Property[];
}

export interface CdxTool {
  name: string;
  version?: string;
}

export interface CdxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: CycloneDxVersion;
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: CdxTool[] | { components: (CdxTool & { type: 'application' })[] };
    component: CdxComponent;
    properties?: Property[];
  };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

export interface WriteCycloneDxOptions {
  /** Fixed serial number (urn:uuid:…); a random one by default. */
  serialNumber?: string;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** The timestamp as written: unchanged when it is already RFC 3339 (the schema's date-time). */
export function documentTimestamp(createdAt: string): string {
  if (rfc3339.test(createdAt)) return createdAt;
  const parsed = new Date(createdAt);
  if (Number.isNaN(parsed.getTime())) {
    throw new Error(`inventory.createdAt "${createdAt}" is not a date; SBOM writers need an ISO 8601 timestamp`);
  }
  return parsed.toISOString();
}

export const targetBomRef = 'vigil:target';

export function distroBomRef(distro: Distro): string {
  return `vigil:os:${distro.id}${distro.versionId ? `@${distro.versionId}` : ''}`;
}

/** The package's reference: its purl (or type/name@version) plus where it was found, made unique. */
function packageBomRef(pkg: Package, used: Set<string>): string {
  const identity = pkg.purl !== '' ? pkg.purl : `${pkg.type}/${pkg.name}@${pkg.version}`;
  const where = pkg.locations[0]?.path;
  const base = where ? `${identity}|${where}` : identity;
  let ref = base;
  for (let n = 2; used.has(ref); n++) ref = `${base}|${n}`;
  used.add(ref);
  return ref;
}

/** A single valid SPDX expression becomes `expression`; anything else becomes named licences. */
export function cycloneDxLicenses(licenses: readonly string[]): CdxLicenseChoice[] {
  const [only] = licenses;
  if (licenses.length === 1 && only !== undefined && isSpdxExpression(only)) return [{ expression: only }];
  return licenses.map((name) => ({ license: { name } }));
}

function layerProperties(list: PropertyList, prefix: string, layer: Location['layer']): void {
  if (!layer) return;
  list.add(`${prefix}index`, layer.index).add(`${prefix}digest`, layer.digest).add(`${prefix}diff-id`, layer.diffId);
}

function targetComponent(target: TargetDescription): CdxComponent {
  const properties = new PropertyList().add(targetProperty.kind, target.kind).add(targetProperty.path, target.path);
  if (target.kind === 'directory' || target.kind === 'zip' || target.kind === 'file') {
    return { type: 'application', 'bom-ref': targetBomRef, name: target.name, properties: properties.items };
  }
  properties
    .add(targetProperty.imageId, target.imageId)
    .add(targetProperty.manifestDigest, target.manifestDigest)
    .add(targetProperty.platformOs, target.platform.os)
    .add(targetProperty.platformArchitecture, target.platform.architecture)
    .add(targetProperty.platformVariant, target.platform.variant);
  for (const tag of target.tags) properties.add(targetProperty.tag, tag);
  target.layers.forEach((layer, n) => {
    properties
      .add(`${targetProperty.layerPrefix}${n}:index`, layer.index)
      .add(`${targetProperty.layerPrefix}${n}:digest`, layer.digest)
      .add(`${targetProperty.layerPrefix}${n}:diff-id`, layer.diffId);
  });
  return {
    type: 'container',
    'bom-ref': targetBomRef,
    name: target.name,
    ...(target.manifestDigest ? { version: target.manifestDigest } : {}),
    properties: properties.items,
  };
}

function distroComponent(distro: Distro): CdxComponent {
  const properties = new PropertyList()
    .add(distroProperty.name, distro.name)
    .add(distroProperty.prettyName, distro.prettyName)
    .add(distroProperty.codename, distro.codename);
  for (const like of distro.idLike) properties.add(distroProperty.idLike, like);
  properties.add(distroProperty.source, distro.source);
  return {
    type: 'operating-system',
    'bom-ref': distroBomRef(distro),
    name: distro.id,
    ...(distro.versionId !== undefined ? { version: distro.versionId } : {}),
    ...(distro.prettyName ? { description: distro.prettyName } : {}),
    ...(distro.cpeName !== undefined ? { cpe: distro.cpeName } : {}),
    properties: properties.items,
  };
}

function purlType(purl: string): string | undefined {
  try {
    return parsePurl(purl).type;
  } catch {
    return undefined;
  }
}

function packageComponent(pkg: Package, bomRef: string): CdxComponent {
  const properties = new PropertyList().add(packageProperty.cataloger, pkg.foundBy);
  if (pkg.development === true) properties.add(packageProperty.development, 'true');
  if (pkg.purl === '' || purlType(pkg.purl) !== pkg.type) properties.add(packageProperty.type, pkg.type);
  properties
    .add(packageProperty.ecosystem, pkg.ecosystem)
    .add(packageProperty.arch, pkg.arch)
    .add(packageProperty.sourceName, pkg.source?.name)
    .add(packageProperty.sourceVersion, pkg.source?.version);
  pkg.locations.forEach((location, n) => {
    const prefix = `${packageProperty.locationPrefix}${n}:`;
    properties.add(`${prefix}path`, location.path);
    layerProperties(properties, `${prefix}layer-`, location.layer);
  });
  if (pkg.layer) {
    properties
      .add(packageProperty.layerIndex, pkg.layer.index)
      .add(packageProperty.layerDigest, pkg.layer.digest)
      .add(packageProperty.layerDiffId, pkg.layer.diffId);
  }
  const metadata = Object.entries(pkg.metadata ?? {}).sort(([a], [b]) => compareStrings(a, b));
  for (const [key, value] of metadata) {
    properties.add(`${packageProperty.metadataPrefix}${key}`, Object.is(value, -0) ? '-0' : String(value));
    if (typeof value !== 'string') properties.add(`${packageProperty.metadataTypePrefix}${key}`, typeof value);
  }
  const hashes = writableHashes(pkg.hashes).map((hash): CdxHash => ({ alg: cycloneDxAlgorithm(hash.algorithm), content: hash.value }));
  return {
    type: 'library',
    'bom-ref': bomRef,
    ...componentName(pkg),
    ...(pkg.version !== '' ? { version: pkg.version } : {}),
    ...(pkg.development === true ? { scope: 'optional' as const } : {}),
    ...(hashes.length > 0 ? { hashes } : {}),
    ...(pkg.licenses && pkg.licenses.length > 0 ? { licenses: cycloneDxLicenses(pkg.licenses) } : {}),
    ...(pkg.purl !== '' ? { purl: pkg.purl } : {}),
    properties: properties.items,
  };
}

/**
 * A package's name as CycloneDX components give it. A Maven package, named "groupId:artifactId"
 * as OSV names it, has its groupId as the component's group and its artifactId as the name, as
 * the CycloneDX Maven plugin, Syft and Trivy write them (and as Dependency-Track shows them).
 */
function componentName(pkg: Package): Pick<CdxComponent, 'group' | 'name'> {
  const colon = pkg.type === 'maven' ? pkg.name.indexOf(':') : -1;
  if (colon <= 0 || colon === pkg.name.length - 1) return { name: pkg.name };
  return { group: pkg.name.slice(0, colon), name: pkg.name.slice(colon + 1) };
}

function inventoryProperties(inventory: Inventory): Property[] {
  const properties = new PropertyList();
  inventory.catalogers.forEach((cataloger, n) => {
    properties
      .add(`${inventoryProperty.catalogerPrefix}${n}:name`, cataloger.name)
      .add(`${inventoryProperty.catalogerPrefix}${n}:version`, cataloger.version);
  });
  inventory.warnings.forEach((warning, n) => {
    const prefix = `${inventoryProperty.warningPrefix}${n}:`;
    properties
      .add(`${prefix}code`, warning.code)
      .add(`${prefix}message`, warning.message)
      .add(`${prefix}path`, warning.path)
      .add(`${prefix}count`, warning.count);
  });
  return properties.items;
}

function tools(inventory: Inventory, specVersion: CycloneDxVersion): CdxBom['metadata']['tools'] {
  const tool: CdxTool = {
    name: inventory.tool.name,
    ...(inventory.tool.version !== '' ? { version: inventory.tool.version } : {}),
  };
  return specVersion === '1.4' ? [tool] : { components: [{ type: 'application', ...tool }] };
}

export function buildCycloneDx(inventory: Inventory, specVersion: CycloneDxVersion, options: WriteCycloneDxOptions = {}): CdxBom {
  const used = new Set<string>([targetBomRef]);
  const components: CdxComponent[] = [];
  if (inventory.distro) {
    const os = distroComponent(inventory.distro);
    used.add(os['bom-ref'] as string);
    components.push(os);
  }
  for (const pkg of sortPackages(inventory.packages)) components.push(packageComponent(pkg, packageBomRef(pkg, used)));
  const metadataProperties = inventoryProperties(inventory);
  return {
    $schema: `http://cyclonedx.org/schema/bom-${specVersion}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion,
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: documentTimestamp(inventory.createdAt),
      tools: tools(inventory, specVersion),
      component: targetComponent(inventory.target),
      ...(metadataProperties.length > 0 ? { properties: metadataProperties } : {}),
    },
    components,
    dependencies: [{ ref: targetBomRef, dependsOn: components.map((component) => component['bom-ref'] as string) }],
  };
}

export function writeCycloneDx(inventory: Inventory, specVersion: CycloneDxVersion, options: WriteCycloneDxOptions = {}): string {
  return stringifyDocument(buildCycloneDx(inventory, specVersion, options));
}
