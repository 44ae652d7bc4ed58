/**
 * @module Which packages of a yarn.lock only development needs. The lockfile does not say: a
 * package is development-only when the project's devDependencies reach it through the lock's
 * dependency graph and its dependencies and optionalDependencies do not (what `yarn install
 * --production` leaves out). The project is read from package.json beside the lockfile:
 * - Berry lists every workspace, the root included, as an entry whose dependencies are all the
 *   workspace's, development ones too, written as the lock writes them; each workspace's own
 *   package.json says which of those names are devDependencies.
 * - A classic lockfile names no workspace: the root's dependencies are looked up as "name@range",
 *   as its headers list them, and so are those of each workspace: the folders the root's
 *   `workspaces` patterns name (`packages/*`, `tools/**`) that hold a package.json.
 * Nothing is marked when a package.json is missing or unreadable, or when a workspace pattern is
 * one this does not follow (a negation, a path out of the project): without every project, a
 * package one of them needs at run time could be taken for development-only.
 * @see https://classic.yarnpkg.com/en/docs/cli/install#toc-yarn-install-production-true-false
 */
import { posix } from 'node:path';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isRecord, splitNameAtSpec } from '../npm-lockfile/npm-package.js';
import { isRelativeFolderPattern } from '../patterns.js';
import type { YarnLockEntry } from './parse-yarn-lock.js';

/** What a package.json says of its dependencies. */
interface ProjectManifest {
  /** dependencies and optionalDependencies: name → range. */
  runtime: Map<string, string>;
  /** devDependencies: name → range. */
  development: Map<string, string>;
  /** The workspaces field's folders or patterns. */
  workspaces: string[];
}

/** The descriptors the dependency graph is walked from. */
interface Roots {
  runtime: string[];
  development: string[];
}

function ranges(field: unknown): Array<[string, string]> {
  return isRecord(field) ? Object.entries(field).filter((pair): pair is [string, string] => typeof pair[1] === 'string') : [];
}

/** A package.json's dependency fields, or why it cannot be read. */
export function readProjectManifest(text: string): ProjectManifest | { reason: string } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(document)) return { reason: 'not a JSON object' };
  // "workspaces": ["packages/*"], or { "packages": [...] } as Yarn classic also accepts.
  const declared = isRecord(document.workspaces) ? document.workspaces.packages : document.workspaces;
  return {
    runtime: new Map([...ranges(document.dependencies), ...ranges(document.optionalDependencies)]),
    development: new Map(ranges(document.devDependencies)),
    workspaces: Array.isArray(declared) ? declared.filter((folder): folder is string => typeof folder === 'string') : [],
  };
}

/** A workspace folder the lockfile names: a plain relative path inside the project. */
function isPlainFolder(folder: string): boolean {
  return isRelativeFolderPattern(folder) && !folder.includes('*');
}

/** A package.json read; undefined (with a warning) when it cannot be. */
async function readManifest(manifest: CatalogFile, ctx: CatalogContext): Promise<ProjectManifest | undefined> {
  const read = readProjectManifest(await manifest.text());
  if ('reason' in read) {
    ctx.warn('UNREADABLE_PROJECT', `${manifest.path} beside yarn.lock is ${read.reason}: which packages only development needs is not known`);
    return undefined;
  }
  return read;
}

/** The package.json of the folder `folder` (relative to the lockfile's), read; undefined when missing or unreadable. */
async function manifestOf(file: CatalogFile, folder: string, ctx: CatalogContext): Promise<ProjectManifest | undefined> {
  const manifest = await file.open(folder === '.' ? 'package.json' : `${folder.replace(/\/+$/, '')}/package.json`);
  return manifest ? readManifest(manifest, ctx) : undefined;
}

/** Whether a project declares `name` only as a devDependency. */
function onlyForDevelopment(manifest: ProjectManifest, name: string): boolean {
  return manifest.development.has(name) && !manifest.runtime.has(name);
}

async function rootsOf(file: CatalogFile, entries: readonly YarnLockEntry[], ctx: CatalogContext): Promise<Roots | undefined> {
  const roots: Roots = { runtime: [], development: [] };
  const workspaces = entries.filter((entry) => entry.workspace !== undefined);
  if (workspaces.length > 0) {
    for (const { workspace, dependencies } of workspaces) {
      if (workspace !== '.' && !isPlainFolder(workspace!)) return undefined;
      const manifest = await manifestOf(file, workspace!, ctx);
      if (!manifest) return undefined;
      for (const descriptor of dependencies) {
        const name = splitNameAtSpec(descriptor)?.name ?? descriptor;
        (onlyForDevelopment(manifest, name) ? roots.development : roots.runtime).push(descriptor);
      }
    }
    return roots;
  }
  const root = await manifestOf(file, '.', ctx);
  if (!root) return undefined;
  const projects = [root];
  for (const pattern of root.workspaces) {
    if (!isRelativeFolderPattern(pattern)) return undefined;
    for (const found of await file.find(`${pattern.replace(/\/+$/, '')}/package.json`)) {
      // Yarn never takes an installed package for a workspace.
      if (found.path.slice(posix.dirname(file.path).length).split('/').includes('node_modules')) continue;
      const manifest = await readManifest(found, ctx);
      if (!manifest) return undefined;
      projects.push(manifest);
    }
  }
  for (const project of projects) {
    for (const [name, range] of project.runtime) roots.runtime.push(`${name}@${range}`);
    for (const [name, range] of project.development) if (onlyForDevelopment(project, name)) roots.development.push(`${name}@${range}`);
  }
  return roots;
}

/** The purls of the packages the entries reached from `roots` lock. */
function reachedPackages(byDescriptor: ReadonlyMap<string, YarnLockEntry>, roots: readonly string[]): Set<string> {
  const seen = new Set<YarnLockEntry>();
  const queue = [...roots];
  while (queue.length > 0) {
    const entry = byDescriptor.get(queue.pop()!);
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    queue.push(...entry.dependencies);
  }
  return new Set([...seen].flatMap((entry) => (entry.pkg ? [entry.pkg.purl] : [])));
}

/** The marks as reach gives them: the purls only development roots reach. */
export function developmentOnlyByReach(entries: readonly YarnLockEntry[], roots: Roots): Set<string> {
  const byDescriptor = new Map<string, YarnLockEntry>();
  for (const entry of entries) for (const descriptor of entry.descriptors) byDescriptor.set(descriptor, entry);
  const runtime = reachedPackages(byDescriptor, roots.runtime);
  const development = reachedPackages(byDescriptor, roots.development);
  return new Set([...development].filter((purl) => !runtime.has(purl)));
}

/** The purls of the lock's development-only packages; none when the project cannot be read whole. */
export async function developmentOnly(file: CatalogFile, entries: readonly YarnLockEntry[], ctx: CatalogContext): Promise<Set<string>> {
  const roots = await rootsOf(file, entries, ctx);
  return roots ? developmentOnlyByReach(entries, roots) : new Set();
}
