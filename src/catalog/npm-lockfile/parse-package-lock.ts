/**
 * @module Parses package-lock.json and npm-shrinkwrap.json: lockfileVersion 1 (the nested
 * `dependencies` tree) and 2/3 (the flat `packages` map keyed by install path).
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import {
  isNpmName,
  isRecord,
  isRecordedVersion,
  NpmPackageSet,
  npmPackage,
  readLicenses,
  splitNameAtSpec,
  stringField,
} from './npm-package.js';

/** Deepest `dependencies` nesting followed in a v1 lockfile (real trees stay far below it). */
const MAX_V1_DEPTH = 200;

/** The package name an install path ends with: "node_modules/a/node_modules/@s/b" → "@s/b". */
export function nameFromInstallPath(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0 || (at > 0 && path[at - 1] !== '/')) return undefined;
  const name = path.slice(at + 'node_modules/'.length);
  return isNpmName(name) ? name : undefined;
}

function flags(entry: Record<string, unknown>) {
  const metadata: Record<string, string | boolean> = {};
  const resolved = stringField(entry, 'resolved');
  const integrity = stringField(entry, 'integrity');
  if (resolved) metadata.resolved = resolved;
  if (integrity) metadata.integrity = integrity;
  if (entry.optional === true || entry.devOptional === true) metadata.optional = true;
  if (entry.inBundle === true || entry.bundled === true) metadata.bundled = true;
  return { development: entry.dev === true, metadata };
}

/** lockfileVersion 2 and 3: one entry per install path. */
function parsePackagesMap(packages: Record<string, unknown>, ctx: CatalogContext): ParsedPackage[] {
  const set = new NpmPackageSet();
  // A workspace or file: dependency is a link in node_modules to its folder; the link names it.
  const linkNames = new Map<string, string>();
  for (const [path, entry] of Object.entries(packages)) {
    if (!isRecord(entry) || entry.link !== true) continue;
    const name = nameFromInstallPath(path);
    const target = stringField(entry, 'resolved');
    if (name && target) linkNames.set(target, name);
  }
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '') continue; // the project itself
    if (!isRecord(entry)) {
      ctx.skip(`"${path}" is not an object`);
      continue;
    }
    if (entry.link === true) continue; // its target folder has its own entry
    const installed = nameFromInstallPath(path);
    const declared = entry.name;
    const name = isNpmName(declared) ? declared : installed ?? linkNames.get(path);
    const version = entry.version;
    if (installed === undefined) {
      // A folder of the project (workspace, file: dependency): a package only when it says what it is.
      if (name === undefined || !isRecordedVersion(version)) continue;
    } else if (!isRecordedVersion(version)) {
      ctx.skip(`"${path}" has no version`);
      continue;
    }
    const { development, metadata } = flags(entry);
    set.add(
      npmPackage({
        name: name!,
        version: version as string,
        development,
        licenses: readLicenses(entry.license, entry.licenses),
        metadata: { ...metadata, ...(installed !== undefined && name !== installed ? { alias: installed } : {}) },
      }),
    );
  }
  return set.list();
}

/** A v1 version: a registry version, an alias "npm:real@1.2.3", or a git/tarball/file spec. */
function readV1Version(key: string, version: string): { name: string; version: string; source?: string } | undefined {
  if (version.startsWith('npm:')) {
    const real = splitNameAtSpec(version.slice(4));
    if (!real || !isNpmName(real.name) || !isRecordedVersion(real.spec)) return undefined;
    return { name: real.name, version: real.spec };
  }
  if (/^(file|link):/.test(version)) return { name: key, version, source: 'local' };
  return { name: key, version };
}

/** lockfileVersion 1: a tree of `dependencies`, each possibly with its own nested ones. */
function parseDependencyTree(dependencies: Record<string, unknown>, ctx: CatalogContext): ParsedPackage[] {
  const set = new NpmPackageSet();
  const visit = (level: Record<string, unknown>, depth: number) => {
    if (depth > MAX_V1_DEPTH) {
      ctx.skip(`dependencies nested deeper than ${MAX_V1_DEPTH} levels`);
      return;
    }
    for (const [key, entry] of Object.entries(level)) {
      if (!isRecord(entry)) {
        ctx.skip(`dependency "${key}" is not an object`);
        continue;
      }
      const read = isNpmName(key) && isRecordedVersion(entry.version) ? readV1Version(key, entry.version) : undefined;
      if (!read) {
        ctx.skip(`dependency "${key}" has no usable name and version`);
      } else if (read.source !== 'local') {
        // file: and link: entries are folders of the project, not packages npm fetched.
        const { development, metadata } = flags(entry);
        set.add(
          npmPackage({
            name: read.name,
            version: read.version,
            development,
            metadata: { ...metadata, ...(read.name !== key ? { alias: key } : {}) },
          }),
        );
      }
      if (isRecord(entry.dependencies)) visit(entry.dependencies, depth + 1);
    }
  };
  visit(dependencies, 0);
  return set.list();
}

/** The packages a parsed package-lock.json document lists. */
export function parsePackageLockDocument(document: unknown, ctx: CatalogContext): ParsedPackage[] {
  if (!isRecord(document)) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not an npm lockfile: the top level is not a JSON object');
    return [];
  }
  // npm 7+ writes `packages` (v2 keeps `dependencies` beside it for old npm); it is the more precise.
  if (isRecord(document.packages)) return parsePackagesMap(document.packages, ctx);
  if (isRecord(document.dependencies)) return parseDependencyTree(document.dependencies, ctx);
  if (document.lockfileVersion === undefined) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not an npm lockfile: no lockfileVersion, packages or dependencies');
  }
  return [];
}

export function parsePackageLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    ctx.warn('UNREADABLE_LOCKFILE', `not valid JSON: ${(error as Error).message}`);
    return [];
  }
  return parsePackageLockDocument(document, ctx);
}

export async function parsePackageLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parsePackageLockText(await file.text(), ctx);
}
