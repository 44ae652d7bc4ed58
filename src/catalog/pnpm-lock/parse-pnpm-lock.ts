/**
 * @module Parses pnpm-lock.yaml: lockfile v5.x ("/name/1.2.3_peer" keys, `dev` flags), v6
 * ("/name@1.2.3(peer@x)" keys, `dev` flags) and v9 ("name@1.2.3" keys in `packages`, the
 * dependency graph in `snapshots`, development-only packages found from the importers).
 * @see https://github.com/pnpm/spec/blob/master/lockfile/9.0.md
 * @see https://github.com/pnpm/spec/blob/master/lockfile/6.0.md
 * @see https://github.com/pnpm/spec/blob/master/lockfile/5.2.md
 */
import semver from 'semver';
import { parseAllDocuments } from 'yaml';
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import {
  isNpmName,
  isRecord,
  isRecordedVersion,
  NpmPackageSet,
  npmPackage,
  splitNameAtSpec,
  stringField,
} from '../npm-lockfile/npm-package.js';

/** How a lockfile writes its `packages` keys: v5 "/a/1.0.0_peer", v6 and v9 "/a@1.0.0(peer)" / "a@1.0.0". */
type KeyStyle = 'slash' | 'at';

/** The name and registry version a `packages` key names; undefined when it names none. */
export function parsePnpmPackageKey(key: string, style: KeyStyle): { name: string; version: string } | undefined {
  let name: string;
  let version: string;
  if (style === 'slash') {
    // "/a/1.0.0", "/@s/a/1.0.0_peer@1.0.0", or with a registry host: "registry.example.com/a/1.0.0".
    const slash = key.indexOf('/');
    if (slash < 0) return undefined;
    const segments = key.slice(slash + 1).split('/');
    if (segments[0]?.startsWith('@')) {
      if (segments.length !== 3) return undefined;
      name = `${segments[0]}/${segments[1]}`;
      version = segments[2]!;
    } else {
      if (segments.length !== 2) return undefined;
      name = segments[0]!;
      version = segments[1]!;
    }
    version = version.split('_')[0]!.split('(')[0]!;
  } else {
    const split = splitNameAtSpec(key.startsWith('/') ? key.slice(1) : key);
    if (!split) return undefined;
    name = split.name;
    version = stripPeers(split.spec);
  }
  return isNpmName(name) ? { name, version } : undefined;
}

/** "1.0.0(react@18.2.0)(b@1.0.0)" → "1.0.0". */
function stripPeers(reference: string): string {
  const paren = reference.indexOf('(');
  return paren < 0 ? reference : reference.slice(0, paren);
}

function lockfileMajor(version: unknown): number | undefined {
  if (typeof version !== 'string') return undefined;
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) ? major : undefined;
}

function keyStyleFor(major: number | undefined, key: string): KeyStyle {
  if (major !== undefined) return major >= 6 ? 'at' : 'slash';
  return /^\/?(?:@[^/@]+\/)?[^/@]+@/.test(key) ? 'at' : 'slash';
}

/** The references an importer or snapshot depends on at run time and, for importers, in development. */
function dependencyRefs(section: unknown): Array<[string, string]> {
  if (!isRecord(section)) return [];
  const refs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(section)) {
    // v9 importers: { specifier, version }; snapshots: a plain version string.
    const ref = isRecord(value) ? stringField(value, 'version') : typeof value === 'string' ? value : undefined;
    if (ref && !ref.startsWith('link:')) refs.push([name, ref]);
  }
  return refs;
}

/**
 * Lockfile v9 keeps no dev flags: a package is development-only when only the importers'
 * devDependencies reach it through the snapshots graph. Returns the `packages` keys reached
 * from run-time roots and from development roots.
 */
function reachability(document: Record<string, unknown>): { runtime: Set<string>; development: Set<string> } {
  const snapshots = isRecord(document.snapshots) ? document.snapshots : {};
  const resolve = (name: string, ref: string): string | undefined => {
    if (Object.hasOwn(snapshots, `${name}@${ref}`)) return `${name}@${ref}`;
    if (Object.hasOwn(snapshots, ref)) return ref; // an alias: "real-name@1.0.0"
    return undefined;
  };
  const walk = (roots: Array<[string, string]>): Set<string> => {
    const seen = new Set<string>();
    const queue = roots.map(([name, ref]) => resolve(name, ref)).filter((key): key is string => key !== undefined);
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (seen.has(key)) continue;
      seen.add(key);
      const snapshot = snapshots[key];
      if (!isRecord(snapshot)) continue;
      for (const [name, ref] of [...dependencyRefs(snapshot.dependencies), ...dependencyRefs(snapshot.optionalDependencies)]) {
        const next = resolve(name, ref);
        if (next !== undefined && !seen.has(next)) queue.push(next);
      }
    }
    return new Set([...seen].map(stripPeers));
  };
  const importers = isRecord(document.importers) ? Object.values(document.importers).filter(isRecord) : [];
  return {
    runtime: walk(importers.flatMap((i) => [...dependencyRefs(i.dependencies), ...dependencyRefs(i.optionalDependencies)])),
    development: walk(importers.flatMap((i) => dependencyRefs(i.devDependencies))),
  };
}

function resolutionMetadata(entry: Record<string, unknown>): Record<string, string | boolean> {
  const metadata: Record<string, string | boolean> = {};
  const resolution = isRecord(entry.resolution) ? entry.resolution : {};
  for (const field of ['integrity', 'tarball', 'repo', 'commit', 'directory'] as const) {
    const value = stringField(resolution, field);
    if (value) metadata[field] = value;
  }
  if (entry.optional === 'true') metadata.optional = true;
  return metadata;
}

/** The main lockfile document (pnpm 10 may put an environment lockfile before it). */
function mainDocument(text: string, ctx: CatalogContext): Record<string, unknown> | undefined {
  const documents = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, logLevel: 'silent' });
  const list = Array.isArray(documents) ? documents : [documents];
  const errors = list.flatMap((d) => d.errors);
  if (errors.length > 0) {
    ctx.warn('UNREADABLE_LOCKFILE', `not valid YAML: ${errors[0]!.message.split('\n')[0]}`);
    return undefined;
  }
  let values: unknown[];
  try {
    // Aliases are resolved here: an unknown anchor or an alias bomb throws.
    values = list.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch (error) {
    ctx.warn('UNREADABLE_LOCKFILE', `not a usable YAML document: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (values.every((v) => v === null || v === undefined || v === '')) return undefined; // empty or comments only
  const records = values.filter(isRecord);
  const main = records.filter((v) => 'lockfileVersion' in v).at(-1) ?? records.at(-1);
  if (!main) ctx.warn('UNREADABLE_LOCKFILE', 'not a pnpm lockfile: the top level is not a mapping');
  return main;
}

export function parsePnpmLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const document = mainDocument(text.replace(/^\uFEFF/, ''), ctx);
  if (!document) return [];
  const packages = document.packages;
  if (packages === undefined || packages === '' || packages === null) return [];
  if (!isRecord(packages)) {
    ctx.warn('UNREADABLE_LOCKFILE', '`packages` is not a mapping');
    return [];
  }
  const major = lockfileMajor(document.lockfileVersion);
  const graph = major !== undefined && major >= 9 ? reachability(document) : undefined;
  const set = new NpmPackageSet();
  for (const [key, value] of Object.entries(packages)) {
    const entry = isRecord(value) ? value : value === '' ? {} : undefined;
    if (!entry) {
      ctx.skip(`"${key}" is not a mapping`);
      continue;
    }
    const declaredName = stringField(entry, 'name');
    const declaredVersion = stringField(entry, 'version');
    let name: string;
    let version: string;
    if (isNpmName(declaredName) && isRecordedVersion(declaredVersion)) {
      // Git, tarball and directory dependencies (v5, v6) say what they are.
      name = declaredName;
      version = declaredVersion;
    } else {
      const parsed = parsePnpmPackageKey(key, keyStyleFor(major, key));
      if (parsed && isRecordedVersion(declaredVersion)) {
        // v9 git and tarball dependencies: "name@https://…" with the package's version beside it.
        name = parsed.name;
        version = declaredVersion;
      } else if (parsed && semver.valid(parsed.version)) {
        name = parsed.name;
        version = parsed.version;
      } else {
        ctx.skip(`"${key}" names no package and version`);
        continue;
      }
    }
    const development = graph
      ? graph.development.has(stripPeers(key)) && !graph.runtime.has(stripPeers(key))
      : entry.dev === 'true';
    set.add(npmPackage({ name, version, development, metadata: resolutionMetadata(entry) }));
  }
  return set.list();
}

export async function parsePnpmLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parsePnpmLockText(await file.text(), ctx);
}
