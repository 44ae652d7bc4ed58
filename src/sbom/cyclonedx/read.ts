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
import { isImageKind, type CatalogerRef, type Inventory, type TargetDescription } from '../../model/inventory.js';
import type { LayerRef, Location, Package, PackageHash, PackageMetadata, PackageType } from '../../model/package.js';
import { parsePurl, type PurlParts } from '../../model/purl.js';
import type { Warning } from '../../model/warning.js';
import { hashFromCycloneDx } from '../hashes.js';
import { asRecord, asRecords, asString, isRecord, parseIndex, type JsonRecord } from '../json.js';
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
  if (isImageKind(kind)) {
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
  if (component.licenses === undefined) return undefined;
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
  if (component.hashes === undefined) return undefined;
  const hashes: PackageHash[] = [];
  for (const item of asRecords(component.hashes)) {
    const hash = hashFromCycloneDx(item.alg, item.content);
    if (hash) hashes.push(hash);
  }
  return hashes.length > 0 ? hashes : undefined;
}

/**
 * What a component's `vigil:` properties say of its package, read in one pass. Each single
 * value is the first of its name (as `PropertyBag.get` reads it); the indexed locations and the
 * metadata keep what `PropertyBag.indexed` and `withPrefix` give.
 */
interface PackageProperties {
  type?: string;
  cataloger?: string;
  ecosystem?: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  development?: string;
  layerIndex?: string;
  layerDigest?: string;
  layerDiffId?: string;
  /** `vigil:location:<index>:<field>` fields, grouped by index in the order first seen. */
  locations?: LocationGroups;
  /** `vigil:metadata:<key>` as [key, value], in document order. */
  metadata?: [string, string][];
  /** `vigil:metadata-type:<key>` → its first value. */
  metadataTypes?: Map<string, string>;
}

/** The single-valued `vigil:` package properties, by name: the field each fills. */
type SingleProperty = 'type' | 'cataloger' | 'ecosystem' | 'arch' | 'sourceName' | 'sourceVersion' | 'development' | 'layerIndex' | 'layerDigest' | 'layerDiffId';
const singleProperties = new Map<string, SingleProperty>(
  (['type', 'cataloger', 'ecosystem', 'arch', 'sourceName', 'sourceVersion', 'development', 'layerIndex', 'layerDigest', 'layerDiffId'] as const).map((field) => [
    packageProperty[field],
    field,
  ]),
);

function readPackageProperties(component: JsonRecord): PackageProperties {
  const found: PackageProperties = {};
  const items = component.properties;
  if (!Array.isArray(items)) return found;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!isRecord(item)) continue;
    const name = item.name;
    if (typeof name !== 'string' || !name.startsWith('vigil:')) continue;
    const value = typeof item.value === 'string' ? item.value : '';
    const single = singleProperties.get(name);
    if (single !== undefined) found[single] ??= value;
    else if (name.startsWith(packageProperty.locationPrefix)) addLocationField((found.locations ??= { groups: [] }), name, value);
    else if (name.startsWith(packageProperty.metadataPrefix)) (found.metadata ??= []).push([name.slice(packageProperty.metadataPrefix.length), value]);
    else if (name.startsWith(packageProperty.metadataTypePrefix)) {
      const key = name.slice(packageProperty.metadataTypePrefix.length);
      const types = (found.metadataTypes ??= new Map());
      if (!types.has(key)) types.set(key, value);
    }
  }
  return found;
}

const lineBreak = /[\n\r\u2028\u2029]/;


/** One indexed location's fields (`0:path`, `0:layer-digest`, …), each its first value. */
interface LocationFields {
  index: number;
  path?: string;
  layerIndex?: string;
  layerDigest?: string;
  layerDiffId?: string;
}

/** Location fields by index: mostly one index, so the last group is tried before the map. */
interface LocationGroups {
  groups: LocationFields[];
  byIndex?: Map<number, LocationFields>;
}

/** Whether the characters from `start` up to `end` are ASCII digits. */
function isDigitsBetween(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * Adds one `vigil:location:<index>:<field>` property to its index's group; the rest after the
 * prefix must be `<digits>:<field>`, the field one line of at least one character (as
 * /^(\d+):(.+)$/ reads it). Only the fields a location has are kept, each its first value.
 */
function addLocationField(into: LocationGroups, name: string, value: string): void {
  const start = packageProperty.locationPrefix.length;
  const colon = name.indexOf(':', start);
  if (colon < start + 1 || colon === name.length - 1 || !isDigitsBetween(name, start, colon) || lineBreak.test(name)) return;
  const index = Number(name.slice(start, colon));
  const { groups } = into;
  let group = groups.length > 0 && groups[groups.length - 1]!.index === index ? groups[groups.length - 1] : into.byIndex?.get(index);
  if (group === undefined) {
    group = { index };
    groups.push(group);
    if (groups.length > 1) {
      if (into.byIndex === undefined) into.byIndex = new Map(groups.map((g) => [g.index, g]));
      else into.byIndex.set(index, group);
    }
  }
  switch (name.slice(colon + 1)) {
    case 'path':
      group.path ??= value;
      break;
    case 'layer-index':
      group.layerIndex ??= value;
      break;
    case 'layer-digest':
      group.layerDigest ??= value;
      break;
    case 'layer-diff-id':
      group.layerDiffId ??= value;
      break;
  }
}

/**
 * A package's locations from its indexed location fields: one per index (in index order) that
 * has a path, with its layer when the layer's index and digest are given.
 */
function readLocations({ groups }: LocationGroups): Location[] {
  if (groups.length > 1) groups.sort((a, b) => a.index - b.index);
  const locations: Location[] = [];
  for (let i = 0; i < groups.length; i++) {
    const { path, layerIndex, layerDigest, layerDiffId } = groups[i]!;
    if (path === undefined) continue;
    const layer = layerFrom(layerIndex, layerDigest, layerDiffId);
    locations.push(layer ? { path, layer } : { path });
  }
  return locations;
}

function readMetadata(properties: PackageProperties): PackageMetadata | undefined {
  if (!properties.metadata) return undefined;
  const entries: [string, string | number | boolean][] = [];
  for (const [key, value] of properties.metadata) {
    const type = properties.metadataTypes?.get(key);
    entries.push([key, type === 'number' ? Number(value) : type === 'boolean' ? value === 'true' : value]);
  }
  return Object.fromEntries(entries);
}

/**
 * The package name as Vigil's catalogers write it, from a component's group and name: a Maven
 * package's "groupId:artifactId" from the two (as Vigil writes it too, and as earlier versions
 * wrote it whole in the name), another's group and name joined by a slash. `fallback` when the
 * component has no name.
 */
function packageName(component: JsonRecord, type: PackageType, fallback: string): string {
  const name = asString(component.name) ?? fallback;
  const group = asString(component.group) ?? '';
  if (group === '' || name.includes('/') || name.includes(':')) return name;
  return type === 'maven' ? `${group}:${name}` : `${group}/${name}`;
}

/** The parts of a purl, or undefined for an empty or invalid one. */
function partsOf(purl: string): PurlParts | undefined {
  if (purl === '') return undefined;
  try {
    return parsePurl(purl);
  } catch {
    return undefined;
  }
}

function readPackage(component: JsonRecord, skipped: SkipTally): Package | undefined {
  const properties = readPackageProperties(component);
  const purl = asString(component.purl) ?? '';
  const ours = properties.cataloger !== undefined;
  const componentVersion = asString(component.version);
  // The purl is parsed only when something is read from it: a package Vigil wrote names its
  // type, ecosystem, name and version itself, mostly.
  let parsed = false;
  let purlParts: PurlParts | undefined;
  const parts = (): PurlParts | undefined => {
    if (!parsed) {
      purlParts = partsOf(purl);
      parsed = true;
    }
    return purlParts;
  };
  const type = properties.type ?? parts()?.type;
  if (!isPackageType(type)) {
    const label = `"${asString(component.name) ?? '?'}"`;
    skipped.skip(purl === '' ? `${label} has no purl` : `${label} has purl ${purl}`);
    return undefined;
  }
  const locations: Location[] = properties.locations ? readLocations(properties.locations) : [];
  const layer = layerFrom(properties.layerIndex, properties.layerDigest, properties.layerDiffId);
  const foreignParts = ours ? undefined : parts();
  const ecosystem = properties.ecosystem ?? (foreignParts ? ecosystemOfPurl(foreignParts) : undefined);
  const { arch, sourceName, sourceVersion } = properties;
  const licenses = readLicenses(component);
  const hashes = readHashes(component);
  const metadata = readMetadata(properties);
  // Fields set one by one in this order (the order the object's keys take), absent ones left out.
  const pkg = {
    name: packageName(component, type, foreignParts?.name ?? ''),
    version: componentVersion ?? parts()?.version ?? '',
    type,
    purl,
  } as Package;
  if (ecosystem !== undefined) pkg.ecosystem = ecosystem;
  if (arch !== undefined) pkg.arch = arch;
  if (sourceName !== undefined) pkg.source = sourceVersion !== undefined ? { name: sourceName, version: sourceVersion } : { name: sourceName };
  if (licenses) pkg.licenses = licenses;
  if (properties.development === 'true') pkg.development = true;
  if (hashes) pkg.hashes = hashes;
  pkg.locations = locations;
  if (layer) pkg.layer = layer;
  pkg.foundBy = properties.cataloger ?? 'sbom-cyclonedx';
  if (metadata) pkg.metadata = metadata;
  return pkg;
}

/** Reads a parsed CycloneDX document (its bomFormat and specVersion already checked). */
export function readCycloneDx(document: JsonRecord, options: ReadSbomOptions = {}): Inventory {
  const metadata = asRecord(document.metadata);
  const skipped = new SkipTally('SBOM_COMPONENT_SKIPPED', 'CycloneDX components');
  const packages: Package[] = [];
  let distro: Distro | undefined;

  const visit = (components: unknown): void => {
    if (components === undefined) return;
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

