/**
 * @module Which crates of a Cargo.lock only development needs. The lock lists every crate the
 * workspace resolved, and each workspace member's dependencies whatever their kind; the members'
 * Cargo.toml files say which are `[dependencies]`, `[dev-dependencies]` (tests, examples,
 * benchmarks) and `[build-dependencies]` (build scripts), plain or under `[target.'cfg'.…]`.
 * A crate is development-only when only members' dev and build dependencies reach it through
 * the lock's graph: it is not part of what the workspace ships. Build dependencies count as
 * development, as the cargo-auditable reader marks a `kind = "build"` crate.
 *
 * The members are the root Cargo.toml's package, the packages of the folders its `[workspace]
 * members` patterns name (less `exclude`), and, as Cargo makes them members, the path
 * dependencies of members that lie in the workspace's folder. A path crate outside it is no
 * member, and is followed like any other crate. Nothing is marked when there is no Cargo.toml
 * beside the lock, when a manifest cannot be read, or when a members pattern is one this does
 * not follow.
 * @see https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#development-dependencies
 * @see https://doc.rust-lang.org/cargo/reference/workspaces.html
 */
import { posix } from 'node:path';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { parseTomlText } from '../python-installed/read-toml.js';
import { isRelativeFolderPattern } from '../patterns.js';
import { isRecord, type CargoLockEntry } from './parse-cargo-lock.js';

/** What a member's Cargo.toml says of its dependencies, by the crate names the lock uses. */
interface MemberManifest {
  name: string;
  /** The folders its path dependencies name, relative to its own. */
  pathDependencies: string[];
  /** `[dependencies]`, any target. */
  normal: Set<string>;
  /** `[dev-dependencies]` and `[build-dependencies]`, any target. */
  development: Set<string>;
}

/** The `path` of each dependency a table declares by path. */
function pathsOf(table: unknown): string[] {
  if (!isRecord(table)) return [];
  return Object.values(table).flatMap((spec) => (isRecord(spec) && typeof spec.path === 'string' ? [spec.path] : []));
}

/** The crate names a dependency table declares: the key, or the `package` it renames. */
function crateNames(table: unknown): string[] {
  if (!isRecord(table)) return [];
  return Object.entries(table).map(([key, spec]) => (isRecord(spec) && typeof spec.package === 'string' ? spec.package : key));
}

/** The dependency tables of a manifest, its own and each target's, by kind. */
function tablesOf(doc: Record<string, unknown>, kind: 'dependencies' | 'dev-dependencies' | 'build-dependencies'): unknown[] {
  const targets = isRecord(doc.target) ? Object.values(doc.target).filter(isRecord) : [];
  // Cargo took the underscore spellings too, and still reads them.
  const spellings = [kind, kind.replace('-', '_')];
  return [doc, ...targets].flatMap((table) => spellings.map((spelling) => table[spelling]));
}

/** A Cargo.toml's table, or why it cannot be read. */
function readManifest(text: string): { doc: Record<string, unknown> } | { reason: string } {
  const parsed = parseTomlText(text);
  if ('reason' in parsed) return { reason: `not TOML: ${parsed.reason}` };
  return isRecord(parsed.doc) ? { doc: parsed.doc } : { reason: 'not a TOML table' };
}

/** What a manifest says of its package's dependencies, or why it cannot; undefined without a package (a virtual root). */
function memberOf(doc: Record<string, unknown>): MemberManifest | { reason: string } | undefined {
  if (!isRecord(doc.package)) return undefined;
  if (typeof doc.package.name !== 'string') return { reason: 'its [package] has no name' };
  const kinds = ['dependencies', 'dev-dependencies', 'build-dependencies'] as const;
  return {
    name: doc.package.name,
    pathDependencies: kinds.flatMap((kind) => tablesOf(doc, kind)).flatMap(pathsOf),
    normal: new Set(tablesOf(doc, 'dependencies').flatMap(crateNames)),
    development: new Set([...tablesOf(doc, 'dev-dependencies'), ...tablesOf(doc, 'build-dependencies')].flatMap(crateNames)),
  };
}

/** The root manifest's `[workspace]` member and exclude patterns. */
function workspaceOf(doc: Record<string, unknown>): { members: string[]; exclude: string[] } {
  const workspace = isRecord(doc.workspace) ? doc.workspace : {};
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  return { members: strings(workspace.members), exclude: strings(workspace.exclude) };
}

function warnUnreadable(ctx: CatalogContext, path: string, reason: string): void {
  ctx.warn('UNREADABLE_PROJECT', `${path} beside Cargo.lock is ${reason}: which crates only development needs is not known`);
}

/** The workspace's members, by package name; undefined when one cannot be read. */
async function membersOf(file: CatalogFile, ctx: CatalogContext): Promise<Map<string, MemberManifest> | undefined> {
  const root = await file.open('Cargo.toml');
  if (!root) return undefined;
  const rootRead = readManifest(await root.text());
  if ('reason' in rootRead) {
    warnUnreadable(ctx, root.path, rootRead.reason);
    return undefined;
  }
  const manifests = [root];
  const { members, exclude } = workspaceOf(rootRead.doc);
  const lockFolder = posix.dirname(file.path);
  const excluded = new Set(exclude.map((folder) => posix.join(lockFolder, folder)));
  for (const pattern of members) {
    if (!isRelativeFolderPattern(pattern)) return undefined;
    for (const found of await file.find(`${pattern.replace(/\/+$/, '')}/Cargo.toml`)) {
      if (!excluded.has(posix.dirname(found.path)) && found.path !== root.path) manifests.push(found);
    }
  }
  const byName = new Map<string, MemberManifest>();
  const read = new Set<string>();
  for (let i = 0; i < manifests.length; i++) {
    const manifest = manifests[i]!;
    if (read.has(manifest.path)) continue;
    read.add(manifest.path);
    const parsed = manifest === root ? rootRead : readManifest(await manifest.text());
    const member = 'reason' in parsed ? parsed : memberOf(parsed.doc);
    if (member === undefined) continue;
    if ('reason' in member) {
      warnUnreadable(ctx, manifest.path, member.reason);
      return undefined;
    }
    byName.set(member.name, member);
    // Cargo makes a member of every path dependency inside the workspace's folder.
    for (const path of member.pathDependencies) {
      const folder = posix.join(posix.dirname(manifest.path), path);
      if (!folder.startsWith(lockFolder === '/' ? '/' : `${lockFolder}/`) || excluded.has(folder)) continue;
      const dependency = await file.open(`${folder}/Cargo.toml`);
      if (dependency) manifests.push(dependency);
    }
  }
  return byName;
}

/** "name", "name version" or "name version (source)": the entry it names, if the lock holds one. */
function resolver(entries: readonly CargoLockEntry[]): (dependency: string) => CargoLockEntry | undefined {
  const byName = new Map<string, CargoLockEntry[]>();
  for (const entry of entries) (byName.get(entry.name) ?? byName.set(entry.name, []).get(entry.name)!).push(entry);
  return (dependency) => {
    const [name, version, source] = dependency.split(' ', 3) as [string, string?, string?];
    const bySource = source?.replace(/^\(|\)$/g, '');
    return byName.get(name)?.find((entry) => (version === undefined || entry.version === version) && (bySource === undefined || entry.source === bySource));
  };
}

/** The purls of the lock's development-only crates, by what the members' Cargo.toml files say; none when they cannot be read. */
export async function developmentOnly(file: CatalogFile, entries: readonly CargoLockEntry[], ctx: CatalogContext): Promise<Set<string>> {
  const members = await membersOf(file, ctx);
  if (!members || members.size === 0) return new Set();
  return developmentOnlyByReach(entries, members);
}

/** The marks as reach gives them, for members known by name. */
export function developmentOnlyByReach(entries: readonly CargoLockEntry[], members: ReadonlyMap<string, MemberManifest>): Set<string> {
  const resolve = resolver(entries);
  /** A member's edges of one side: run time ("normal") or development. */
  const memberOf = (entry: CargoLockEntry) => (entry.source === undefined ? members.get(entry.name) : undefined);
  const edgesOf = (entry: CargoLockEntry, side: 'normal' | 'development'): string[] => {
    const member = memberOf(entry);
    if (!member) return side === 'normal' ? entry.dependencies : [];
    // A dependency the manifest declares only as dev or build is development; anything else (a
    // normal one, or one it does not name) is run time, so nothing is taken for dev on a guess.
    const isDevelopment = (dependency: string) => {
      const name = dependency.split(' ', 1)[0]!;
      return member.development.has(name) && !member.normal.has(name);
    };
    return entry.dependencies.filter((dependency) => isDevelopment(dependency) === (side === 'development'));
  };
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<CargoLockEntry>();
    const queue = [...roots];
    while (queue.length > 0) {
      const entry = resolve(queue.pop()!);
      if (!entry || seen.has(entry)) continue;
      seen.add(entry);
      queue.push(...edgesOf(entry, 'normal'));
    }
    return new Set([...seen].map((entry) => entry.pkg.purl));
  };
  const memberEntries = entries.filter((entry) => memberOf(entry) !== undefined);
  const runtime = reach(memberEntries.flatMap((entry) => [`${entry.name} ${entry.version}`, ...edgesOf(entry, 'normal')]));
  const development = reach(memberEntries.flatMap((entry) => edgesOf(entry, 'development')));
  return new Set([...development].filter((purl) => !runtime.has(purl)));
}
