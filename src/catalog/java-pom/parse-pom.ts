/**
 * @module Reads a Maven pom.xml: the project's own coordinates and every dependency it declares
 * (dependencies, dependencyManagement, and both inside profiles) whose version names one
 * release, literally or through properties of this POM and of the parent POMs beside it.
 * @see https://maven.apache.org/pom.html
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isMavenCoordinate, mavenPackage, unusableVersion } from './maven-package.js';
import { child, childrenNamed, childText, decodeXml, readXmlDocument, type XmlElement } from './xml.js';

/** Larger files are not POMs anyone wrote by hand or tool. */
export const MAX_POM_BYTES = 8 * 1024 * 1024;
/** Parent POMs followed through relativePath before giving up (Maven itself has no limit). */
export const MAX_PARENT_DEPTH = 8;
/** Rounds of property expansion (properties naming properties), and the longest value kept. */
const MAX_INTERPOLATION_ROUNDS = 10;
const MAX_INTERPOLATED_LENGTH = 4096;

export interface DependencyDeclaration {
  groupId?: string;
  artifactId?: string;
  version?: string;
  type?: string;
  classifier?: string;
  scope?: string;
  optional?: string;
}

interface Profile {
  id?: string;
  properties: Map<string, string>;
  dependencies: DependencyDeclaration[];
  managed: DependencyDeclaration[];
}

export interface PomModel {
  groupId?: string;
  artifactId?: string;
  version?: string;
  packaging?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string; relativePath?: string };
  properties: Map<string, string>;
  dependencies: DependencyDeclaration[];
  managed: DependencyDeclaration[];
  profiles: Profile[];
  licenses: string[];
}

function readProperties(element: XmlElement | undefined): Map<string, string> {
  const properties = new Map<string, string>();
  for (const [name, values] of Object.entries(element?.children ?? {})) {
    const value = values[0];
    if (value && !properties.has(name)) properties.set(name, value.text);
  }
  return properties;
}

function readDependencies(container: XmlElement | undefined): DependencyDeclaration[] {
  const declarations: DependencyDeclaration[] = [];
  for (const list of childrenNamed(container, 'dependencies')) {
    for (const dependency of childrenNamed(list, 'dependency')) {
      const declaration: DependencyDeclaration = {};
      for (const key of ['groupId', 'artifactId', 'version', 'type', 'classifier', 'scope', 'optional'] as const) {
        const text = childText(dependency, key);
        if (text !== undefined) declaration[key] = text;
      }
      declarations.push(declaration);
    }
  }
  return declarations;
}

/** The parts of a POM this cataloger uses, from its root element. */
export function readPomModel(root: XmlElement): PomModel {
  const parentElement = child(root, 'parent');
  const text = (element: XmlElement | undefined, name: string) => childText(element, name);
  const model: PomModel = {
    properties: readProperties(child(root, 'properties')),
    dependencies: readDependencies(root),
    managed: readDependencies(child(root, 'dependencyManagement')),
    profiles: childrenNamed(child(root, 'profiles'), 'profile').map((profile) => ({
      ...(text(profile, 'id') !== undefined ? { id: text(profile, 'id')! } : {}),
      properties: readProperties(child(profile, 'properties')),
      dependencies: readDependencies(profile),
      managed: readDependencies(child(profile, 'dependencyManagement')),
    })),
    licenses: childrenNamed(child(root, 'licenses'), 'license')
      .map((license) => text(license, 'name'))
      .filter((name): name is string => name !== undefined),
  };
  for (const key of ['groupId', 'artifactId', 'version', 'packaging'] as const) {
    const value = text(root, key);
    if (value !== undefined) model[key] = value;
  }
  if (parentElement) {
    model.parent = {};
    for (const key of ['groupId', 'artifactId', 'version'] as const) {
      const value = text(parentElement, key);
      if (value !== undefined) model.parent[key] = value;
    }
    // An empty <relativePath/> says: do not look for the parent on disk.
    const relative = child(parentElement, 'relativePath');
    if (relative) model.parent.relativePath = relative.text;
  }
  return model;
}

export type PomReadResult = { model: PomModel } | { error: string };

/** Reads POM bytes into a model, or says why they are not a POM. */
export function readPom(bytes: Buffer): PomReadResult {
  const document = readXmlDocument(decodeXml(bytes));
  if ('error' in document) return document;
  if (document.name !== 'project') return { error: `the root element is <${document.name}>, not <project>` };
  return { model: readPomModel(document.root) };
}

/** Expands ${name} references; what cannot be expanded stays as written. */
export function interpolate(value: string, lookup: (name: string) => string | undefined): string {
  let result = value;
  for (let round = 0; round < MAX_INTERPOLATION_ROUNDS && result.includes('${'); round++) {
    let changed = false;
    const next = result.replace(/\$\{([^${}]*)\}/g, (whole, name: string) => {
      const replacement = lookup(name.trim());
      if (replacement === undefined) return whole;
      changed = true;
      return replacement;
    });
    if (next.length > MAX_INTERPOLATED_LENGTH) return result;
    result = next;
    if (!changed) break;
  }
  return result;
}

/** The project's groupId or version, inherited from <parent> when the POM does not state it. */
function inherited(model: PomModel, key: 'groupId' | 'version'): string | undefined {
  return model[key] ?? model.parent?.[key];
}

/** A lookup of properties: the POM's model values first, then <properties> (nearest first). */
function propertyLookup(model: PomModel, propertySets: ReadonlyArray<Map<string, string>>): (name: string) => string | undefined {
  const builtins = new Map<string, string | undefined>();
  for (const prefix of ['project.', 'pom.', '']) {
    builtins.set(`${prefix}groupId`, inherited(model, 'groupId'));
    builtins.set(`${prefix}artifactId`, model.artifactId);
    builtins.set(`${prefix}version`, inherited(model, 'version'));
    if (prefix !== '') {
      builtins.set(`${prefix}packaging`, model.packaging ?? 'jar');
      builtins.set(`${prefix}parent.groupId`, model.parent?.groupId);
      builtins.set(`${prefix}parent.artifactId`, model.parent?.artifactId);
      builtins.set(`${prefix}parent.version`, model.parent?.version);
    }
  }
  return (name) => {
    // <properties> win over the deprecated bare forms ("version"), as Maven resolves them.
    for (const set of propertySets) if (set.has(name)) return set.get(name);
    return builtins.get(name);
  };
}

async function openParent(file: CatalogFile, relativePath: string): Promise<CatalogFile | undefined> {
  const path = relativePath.replace(/\\/g, '/').replace(/\/+$/, '');
  if (path === '') return undefined;
  if (path.endsWith('.xml')) return file.open(path);
  return (await file.open(`${path}/pom.xml`)) ?? (await file.open(path));
}

/**
 * The parent POMs found on disk through <relativePath> (default ../pom.xml), nearest first. A
 * file is taken as the parent only when its coordinates are the ones <parent> names, as Maven
 * checks; otherwise Maven would fetch the parent from a repository, and so the chain ends.
 */
async function localParents(file: CatalogFile, model: PomModel): Promise<PomModel[]> {
  const parents: PomModel[] = [];
  const visited = new Set([file.path]);
  let current = model;
  let currentFile = file;
  for (let depth = 0; depth < MAX_PARENT_DEPTH && current.parent; depth++) {
    const declared = current.parent;
    const found = await openParent(currentFile, declared.relativePath ?? '../pom.xml').catch(() => undefined);
    if (!found || visited.has(found.path) || found.size > MAX_POM_BYTES) break;
    visited.add(found.path);
    let read: PomReadResult;
    try {
      read = readPom(await found.read());
    } catch {
      break;
    }
    if ('error' in read) break;
    const parent = read.model;
    const lookup = propertyLookup(parent, [parent.properties]);
    // <parent><version>${revision}</version> (CI-friendly versions) names a property the
    // parent defines, so the declared coordinates are read with the parent's properties too.
    const ownLookup = propertyLookup(current, [current.properties]);
    const declaredLookup = (name: string) => (current.properties.has(name) ? ownLookup(name) : lookup(name));
    const version = inherited(parent, 'version');
    const groupId = inherited(parent, 'groupId');
    if (
      groupId === undefined || parent.artifactId === undefined || version === undefined ||
      interpolate(groupId, lookup) !== interpolate(declared.groupId ?? '', declaredLookup) ||
      interpolate(parent.artifactId, lookup) !== interpolate(declared.artifactId ?? '', declaredLookup) ||
      interpolate(version, lookup) !== interpolate(declared.version ?? '', declaredLookup)
    ) {
      break;
    }
    parents.push(parent);
    current = parent;
    currentFile = found;
  }
  return parents;
}

function managementKey(groupId: string, artifactId: string, type: string | undefined, classifier: string | undefined): string {
  return `${groupId}:${artifactId}:${type ?? 'jar'}:${classifier ?? ''}`;
}

type Relation = 'dependency' | 'managed';

interface Collected {
  pkg: ParsedPackage;
  votes: { dev: boolean; runtime: boolean };
}

/** Packages from one POM model; `parents` are its local parent POMs, nearest first. */
export function packagesFromPom(model: PomModel, parents: readonly PomModel[], ctx: Pick<CatalogContext, 'skip'>): ParsedPackage[] {
  const collected = new Map<string, Collected>();
  const add = (pkg: ParsedPackage, development: boolean | undefined) => {
    const existing = collected.get(pkg.purl);
    const entry = existing ?? { pkg, votes: { dev: false, runtime: false } };
    if (development === true) entry.votes.dev = true;
    if (development === false) entry.votes.runtime = true;
    if (!existing) collected.set(pkg.purl, entry);
  };

  const baseProperties = [model.properties, ...parents.map((p) => p.properties)];
  const baseLookup = propertyLookup(model, baseProperties);

  // The project itself.
  const ownGroup = inherited(model, 'groupId');
  const ownVersion = inherited(model, 'version');
  if (ownGroup !== undefined || model.artifactId !== undefined || ownVersion !== undefined) {
    const groupId = ownGroup === undefined ? undefined : interpolate(ownGroup, baseLookup);
    const artifactId = model.artifactId === undefined ? undefined : interpolate(model.artifactId, baseLookup);
    const version = ownVersion === undefined ? undefined : interpolate(ownVersion, baseLookup);
    const versionProblem = unusableVersion(version);
    if (!isMavenCoordinate(groupId) || !isMavenCoordinate(artifactId)) {
      ctx.skip(`the project's own coordinates "${ownGroup ?? ''}:${model.artifactId ?? ''}" are incomplete or invalid`);
    } else if (versionProblem || version === undefined) {
      ctx.skip(`the project ${groupId}:${artifactId}: ${versionProblem ?? 'no version'}`);
    } else {
      const metadata: PackageMetadata = { relation: 'project' };
      if (model.packaging) metadata.packaging = model.packaging;
      if (model.parent?.groupId && model.parent.artifactId && model.parent.version) {
        metadata.parent = `${model.parent.groupId}:${model.parent.artifactId}:${model.parent.version}`;
      }
      const licenses = model.licenses.length > 0 ? model.licenses : (parents.find((p) => p.licenses.length > 0)?.licenses ?? []);
      add(mavenPackage({ groupId, artifactId, version }, { licenses, metadata }), undefined);
    }
  }

  const resolveSection = (
    declarations: readonly DependencyDeclaration[],
    relation: Relation,
    lookup: (name: string) => string | undefined,
    managed: ReadonlyMap<string, DependencyDeclaration>,
    profile: string | undefined,
  ) => {
    for (const declaration of declarations) {
      const groupId = declaration.groupId === undefined ? undefined : interpolate(declaration.groupId, lookup);
      const artifactId = declaration.artifactId === undefined ? undefined : interpolate(declaration.artifactId, lookup);
      if (!isMavenCoordinate(groupId) || !isMavenCoordinate(artifactId)) {
        ctx.skip(`a dependency "${declaration.groupId ?? ''}:${declaration.artifactId ?? ''}" has no valid groupId and artifactId`);
        continue;
      }
      const type = declaration.type === undefined ? undefined : interpolate(declaration.type, lookup);
      const classifier = declaration.classifier === undefined ? undefined : interpolate(declaration.classifier, lookup);
      const management = relation === 'dependency' ? managed.get(managementKey(groupId, artifactId, type, classifier)) : undefined;
      const rawVersion = declaration.version ?? management?.version;
      if (rawVersion === undefined) {
        ctx.skip(`${groupId}:${artifactId}: no version here or in the dependencyManagement of this POM or its local parents`);
        continue;
      }
      const version = interpolate(rawVersion, lookup);
      const versionProblem = unusableVersion(version);
      if (versionProblem) {
        ctx.skip(`${groupId}:${artifactId}: ${versionProblem}`);
        continue;
      }
      const rawScope = declaration.scope ?? management?.scope;
      const scope = rawScope === undefined ? undefined : interpolate(rawScope, lookup);
      const metadata: PackageMetadata = { relation };
      if (scope) metadata.scope = scope;
      if (type && type !== 'jar') metadata.type = type;
      if (classifier) metadata.classifier = classifier;
      if (declaration.optional === 'true') metadata.optional = true;
      if (profile !== undefined) metadata.profile = profile;
      if (declaration.version === undefined) metadata.versionFrom = 'dependencyManagement';
      // A dependency without a scope is on the compile classpath; a managed entry without one
      // says nothing about how the project uses it.
      const development = scope === 'test' ? true : scope !== undefined || relation === 'dependency' ? false : undefined;
      add(mavenPackage({ groupId, artifactId, version }, { metadata }), development);
    }
  };

  const managementTable = (lookup: (name: string) => string | undefined, lists: ReadonlyArray<readonly DependencyDeclaration[]>) => {
    const table = new Map<string, DependencyDeclaration>();
    for (const list of lists) {
      for (const entry of list) {
        if (entry.groupId === undefined || entry.artifactId === undefined) continue;
        const key = managementKey(
          interpolate(entry.groupId, lookup),
          interpolate(entry.artifactId, lookup),
          entry.type === undefined ? undefined : interpolate(entry.type, lookup),
          entry.classifier === undefined ? undefined : interpolate(entry.classifier, lookup),
        );
        if (!table.has(key)) table.set(key, entry);
      }
    }
    return table;
  };

  const baseManaged = managementTable(baseLookup, [model.managed, ...parents.map((p) => p.managed)]);
  resolveSection(model.dependencies, 'dependency', baseLookup, baseManaged, undefined);
  resolveSection(model.managed, 'managed', baseLookup, baseManaged, undefined);
  for (const profile of model.profiles) {
    const lookup = propertyLookup(model, [profile.properties, ...baseProperties]);
    const managed = managementTable(lookup, [profile.managed, model.managed, ...parents.map((p) => p.managed)]);
    resolveSection(profile.dependencies, 'dependency', lookup, managed, profile.id ?? '');
    resolveSection(profile.managed, 'managed', lookup, managed, profile.id ?? '');
  }

  return [...collected.values()].map(({ pkg, votes }) => {
    const { development: _ignored, ...rest } = pkg;
    if (votes.dev && !votes.runtime) return { ...rest, development: true };
    if (votes.runtime) return { ...rest, development: false };
    return rest;
  });
}

export async function parsePom(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  if (file.size > MAX_POM_BYTES) {
    ctx.warn('POM_TOO_LARGE', `${file.path} is ${file.size} bytes, more than the ${MAX_POM_BYTES} a POM may have; not read`);
    return [];
  }
  const read = readPom(await file.read());
  if ('error' in read) {
    ctx.warn('INVALID_POM', `${file.path} is not a readable POM: ${read.error}`);
    return [];
  }
  const parents = await localParents(file, read.model);
  return packagesFromPom(read.model, parents, ctx);
}
