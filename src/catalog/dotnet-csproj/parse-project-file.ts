/**
 * @module Parses the PackageReference items of MSBuild project files (*.csproj, *.fsproj,
 * *.vbproj): `<PackageReference Include="Id" Version="1.2.3"/>`, the version as an attribute or a
 * <Version> child, `Update` items as well as `Include` ones.
 *
 * A project file declares what restore should resolve, not what it resolved, so only versions
 * that name one exact version are reported:
 * - `$(Property)` references are expanded from the file's own PropertyGroups (a property defined
 *   twice with different values is ambiguous); anything else left unexpanded is skipped;
 * - "[1.2.3]" is the exact version 1.2.3; other ranges ("[1.0,2.0)") and floating versions
 *   ("6.*") are skipped, with the reason;
 * - under central package management the reference has no version and the nearest
 *   Directory.Packages.props above the project gives it (<PackageVersion Include Version/>);
 *   `VersionOverride` on the reference wins.
 *
 * Development: NuGet turns a package's developmentDependency flag into PrivateAssets="all" with
 * IncludeAssets leaving out "compile" on the reference it writes, so that exact shape is what
 * marks a reference development. PrivateAssets="all" alone (a package that does not flow to the
 * project's consumers, but may still ship in its output) is recorded as metadata.privateAssets and
 * not taken as development.
 * @see https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files
 * @see https://learn.microsoft.com/en-us/nuget/consume-packages/central-package-management
 */
import { posix } from 'node:path';
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isNugetId, isNugetVersion, nugetPackage } from '../dotnet-packages-lock/nuget-package.js';
import { attributeOrChild, childrenNamed, readXmlDocument, type XmlElement } from '../dotnet-packages-config/xml.js';

/** Property values by lower-case name; null when the file defines the property ambiguously. */
export type Properties = Map<string, string | null>;

/** Versions from a Directory.Packages.props, by lower-case package id. */
export interface CentralVersions {
  path: string;
  versions: Map<string, string>;
  properties: Properties;
}

interface Reference {
  id: string;
  version?: string;
  versionOverride?: string;
  privateAssets?: string;
  includeAssets?: string;
  condition?: string;
}

const centralFileName = 'Directory.Packages.props';

/** The properties the file's PropertyGroups define. */
function readProperties(root: XmlElement): Properties {
  const properties: Properties = new Map();
  for (const group of childrenNamed(root, 'propertygroup')) {
    for (const [name, elements] of Object.entries(group.children)) {
      for (const element of elements) {
        const previous = properties.get(name);
        if (previous === undefined) properties.set(name, element.text);
        else if (previous !== element.text) properties.set(name, null);
      }
    }
  }
  return properties;
}

type Expanded = { value: string } | { error: string };

/** Expands $(Name) references, properties of later maps winning; an error names the one that failed. */
export function expandProperties(text: string, ...maps: Properties[]): Expanded {
  let value = text;
  for (let round = 0; round < 8 && value.includes('$('); round++) {
    let error: string | undefined;
    value = value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string) => {
      let found: string | null | undefined;
      for (const map of maps) if (map.has(name.toLowerCase())) found = map.get(name.toLowerCase());
      if (found === undefined || found === null) {
        error ??= found === null ? `property ${name} is defined more than once` : `property ${name} is not defined in the file`;
        return whole;
      }
      return found;
    });
    if (error) return { error };
  }
  return value.includes('$(') ? { error: `"${text.slice(0, 100)}" is not a plain version` } : { value };
}

/** One exact version from a NuGet version string, or why there is none. */
export function exactVersion(text: string): Expanded {
  const version = text.trim();
  if (version === '') return { error: 'the version is empty' };
  const pinned = /^\[\s*([^,\s\]]+)\s*\]$/.exec(version);
  if (pinned) return isNugetVersion(pinned[1]) ? { value: pinned[1]! } : { error: `"${version}" is not a version` };
  if (/^[[(]/.test(version) || version.includes(',')) return { error: `"${version}" is a version range` };
  if (version.includes('*')) return { error: `"${version}" is a floating version` };
  return isNugetVersion(version) ? { value: version } : { error: `"${text.trim().slice(0, 100)}" is not a version` };
}

function assetList(value: string | undefined): string[] {
  return (value ?? '').split(';').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** NuGet's encoding of a development dependency on a PackageReference (see the module comment). */
export function isDevelopmentReference(privateAssets: string | undefined, includeAssets: string | undefined): boolean {
  const included = assetList(includeAssets);
  return assetList(privateAssets).includes('all') && includeAssets !== undefined && !included.includes('compile') && !included.includes('all');
}

function readReferences(root: XmlElement, properties: Properties, ctx: CatalogContext): Reference[] {
  const references: Reference[] = [];
  for (const group of childrenNamed(root, 'itemgroup')) {
    for (const item of childrenNamed(group, 'packagereference')) {
      const rawId = item.attributes.include ?? item.attributes.update;
      if (rawId === undefined) {
        if (item.attributes.remove === undefined) ctx.skip('a PackageReference has no Include');
        continue;
      }
      const ids = expandProperties(rawId, properties);
      if ('error' in ids) {
        ctx.skip(`PackageReference "${rawId.slice(0, 100)}": ${ids.error}`);
        continue;
      }
      const condition = item.attributes.condition ?? group.attributes.condition;
      const fields = {
        version: attributeOrChild(item, 'version'),
        versionOverride: attributeOrChild(item, 'versionoverride'),
        privateAssets: attributeOrChild(item, 'privateassets'),
        includeAssets: attributeOrChild(item, 'includeassets'),
        condition,
      };
      const list = ids.value.split(';').map((id) => id.trim()).filter(Boolean);
      if (list.length === 0) ctx.skip('a PackageReference has an empty Include');
      for (const id of list) {
        const reference: Reference = { id };
        for (const [key, value] of Object.entries(fields)) if (value !== undefined) reference[key as keyof typeof fields] = value;
        references.push(reference);
      }
    }
  }
  return references;
}

/** Reads a Directory.Packages.props; undefined when it is not a project file. */
export function readCentralVersions(text: string, path: string): CentralVersions | undefined {
  const document = readXmlDocument(text);
  if (!document || document.name !== 'project') return undefined;
  const versions = new Map<string, string>();
  for (const group of childrenNamed(document.root, 'itemgroup')) {
    for (const item of childrenNamed(group, 'packageversion')) {
      const id = item.attributes.include ?? item.attributes.update;
      const version = attributeOrChild(item, 'version');
      if (id !== undefined && version !== undefined) versions.set(id.trim().toLowerCase(), version);
    }
  }
  return { path, versions, properties: readProperties(document.root) };
}

/** The project's package references as packages; `central` gives the versions CPM keeps elsewhere. */
export function parseProjectText(text: string, ctx: CatalogContext, central?: CentralVersions): ParsedPackage[] {
  const project = readProjectDocument(text, ctx);
  if (!project) return [];
  const properties = readProperties(project);
  return resolveReferences(readReferences(project, properties, ctx), properties, central, ctx);
}

function readProjectDocument(text: string, ctx: CatalogContext): XmlElement | undefined {
  const document = readXmlDocument(text);
  if (!document) {
    ctx.warn('UNREADABLE_PROJECT', 'the project file is not well-formed XML');
    return undefined;
  }
  if (document.name !== 'project') {
    ctx.warn('UNREADABLE_PROJECT', `not an MSBuild project: the root element is <${document.name}>`);
    return undefined;
  }
  return document.root;
}

function resolveReferences(
  references: Reference[],
  properties: Properties,
  central: CentralVersions | undefined,
  ctx: CatalogContext,
): ParsedPackage[] {
  const byPurl = new Map<string, ParsedPackage>();
  for (const reference of references) {
    const { id } = reference;
    if (!isNugetId(id)) {
      ctx.skip(`"${String(id).slice(0, 100)}" is not a NuGet package id`);
      continue;
    }
    let raw = reference.versionOverride ?? reference.version;
    let fromCentral = false;
    let maps = [properties];
    if (raw === undefined && central?.versions.has(id.toLowerCase())) {
      raw = central.versions.get(id.toLowerCase())!;
      fromCentral = true;
      maps = [central.properties, properties];
    }
    if (raw === undefined) {
      ctx.skip(`"${id}" has no version${central ? '' : ` (and no ${centralFileName} gives one)`}`);
      continue;
    }
    const expanded = expandProperties(raw, ...maps);
    const version = 'error' in expanded ? expanded : exactVersion(expanded.value);
    if ('error' in version) {
      ctx.skip(`"${id}": ${version.error}`);
      continue;
    }
    const metadata: PackageMetadata = {};
    if (reference.privateAssets !== undefined) metadata.privateAssets = reference.privateAssets.trim();
    if (reference.condition !== undefined) metadata.condition = reference.condition.trim();
    if (fromCentral) metadata.versionSource = central!.path;
    const pkg = nugetPackage({
      name: id,
      version: version.value,
      development: isDevelopmentReference(reference.privateAssets, reference.includeAssets),
      metadata,
    });
    const existing = byPurl.get(pkg.purl);
    if (!existing) byPurl.set(pkg.purl, pkg);
    else if (existing.development && !pkg.development) delete existing.development;
  }
  return [...byPurl.values()];
}

/** The nearest Directory.Packages.props at or above `folder`, as MSBuild finds it. */
async function findCentralVersions(file: CatalogFile): Promise<CentralVersions | undefined> {
  let folder = posix.dirname(file.path);
  for (let depth = 0; depth < 64; depth++) {
    const path = posix.join(folder, centralFileName);
    let text: string | undefined;
    try {
      text = await (await file.open(path))?.text();
    } catch {
      return undefined; // unreadable (too large, for one): as if there were none
    }
    if (text !== undefined) return readCentralVersions(text, path);
    if (folder === '/' || folder === '.') return undefined;
    folder = posix.dirname(folder);
  }
  return undefined;
}

export async function parseProjectFile(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const project = readProjectDocument(await file.text(), ctx);
  if (!project) return [];
  const properties = readProperties(project);
  const references = readReferences(project, properties, ctx);
  const needsCentral = references.some((r) => r.version === undefined && r.versionOverride === undefined);
  const central = needsCentral ? await findCentralVersions(file) : undefined;
  return resolveReferences(references, properties, central, ctx);
}
