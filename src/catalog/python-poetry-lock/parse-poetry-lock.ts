/**
 * @module Parses poetry.lock: one `[[package]]` table per locked distribution, with `name` and
 * `version`. What is development-only depends on the lock version: Poetry before 1.5 wrote
 * `category = "main" | "dev"`, Poetry 2 writes `groups = ["main", "dev", …]` (a package outside
 * "main" is only needed by the other groups, so it is marked development). Poetry 1.5 to 1.8
 * (lock-version 2.0) records neither: the project's pyproject.toml beside the lock says which
 * dependencies are the project's and which its groups', and the lock's dependency graph carries
 * that to every package (project-groups.ts); without it, those packages are left unmarked.
 * Where a package came from other than the index (`[package.source]`: git, url, file, directory,
 * a legacy index) is kept in metadata; the purl stays the plain pypi one so a locked package and
 * its installed copy merge.
 * @see https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isDistributionName, isRecord, isRecordedVersion, PypiPackageSet, pypiPackage } from '../python-installed/pypi-package.js';
import { parseTomlText, readNameAndVersion, readTomlLock, stringList } from '../python-installed/read-toml.js';
import { developmentByReach, lockedEdges, projectRoots } from './project-groups.js';

export async function parsePoetryLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const { packages, entries } = readPoetryLock(await file.text(), ctx);
  if (packages.every((p) => p.development !== undefined)) return packages;
  const pyproject = await file.open('pyproject.toml');
  if (!pyproject) return packages;
  return markedByProject(packages, entries, await pyproject.text(), ctx);
}

/** The packages the lock left unmarked, marked by what the project's pyproject.toml reaches through the lock's entries. */
export function markedByProject(packages: ParsedPackage[], entries: readonly unknown[], pyprojectText: string, ctx: CatalogContext): ParsedPackage[] {
  const parsed = parseTomlText(pyprojectText);
  if ('reason' in parsed) {
    ctx.warn('UNREADABLE_PROJECT', `pyproject.toml beside poetry.lock is not TOML (${parsed.reason}): which packages only development needs is not known`);
    return packages;
  }
  const roots = isRecord(parsed.doc) ? projectRoots(parsed.doc) : undefined;
  if (!roots) return packages;
  const marks = developmentByReach(lockedEdges(entries), roots);
  return packages.map((p) => {
    const development = p.development ?? marks.get(p.name);
    return development === undefined || development === p.development ? p : { ...p, development };
  });
}

function developmentOf(entry: Record<string, unknown>): boolean | undefined {
  const groups = stringList(entry.groups);
  if (groups && groups.length > 0) return !groups.includes('main');
  if (entry.category === 'dev') return true;
  if (entry.category === 'main') return false;
  return undefined;
}

function sourceFacts(source: unknown): PackageMetadata {
  const facts: PackageMetadata = {};
  if (!isRecord(source)) return facts;
  if (typeof source.type === 'string' && source.type !== '') facts.sourceType = source.type;
  if (typeof source.url === 'string' && source.url !== '') facts.sourceUrl = source.url;
  const reference = typeof source.resolved_reference === 'string' && source.resolved_reference !== '' ? source.resolved_reference : source.reference;
  if (typeof reference === 'string' && reference !== '') facts.sourceReference = reference;
  return facts;
}

export function parsePoetryLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  return readPoetryLock(text, ctx).packages;
}

/** The lock's packages, and its `[[package]]` entries as read (for their dependencies). */
function readPoetryLock(text: string, ctx: CatalogContext): { packages: ParsedPackage[]; entries: unknown[] } {
  const lock = readTomlLock(text, ctx, 'poetry.lock');
  if (!lock) return { packages: [], entries: [] };
  const set = new PypiPackageSet();
  lock.packages.forEach((item, index) => {
    const read = readNameAndVersion(item, `package[${index}]`, ctx, isDistributionName, isRecordedVersion);
    if (!read) return;
    const { entry, name, version } = read;
    const metadata: PackageMetadata = {};
    if (entry.optional === true) metadata.optional = true;
    const groups = stringList(entry.groups);
    if (groups && groups.length > 0) metadata.groups = groups.join(',');
    else if (typeof entry.category === 'string' && entry.category !== '') metadata.groups = entry.category;
    Object.assign(metadata, sourceFacts(entry.source));
    const development = developmentOf(entry);
    set.add(pypiPackage({ name, version, ...(development !== undefined ? { development } : {}), metadata }));
  });
  return { packages: set.list(), entries: lock.packages };
}
