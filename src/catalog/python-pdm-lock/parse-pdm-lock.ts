/**
 * @module Parses pdm.lock: one `[[package]]` table per locked distribution, each listing the
 * `groups` that need it. "default" is the project's own dependencies. Other groups are either
 * optional extras (`[project.optional-dependencies]`) or development groups
 * (`[tool.pdm.dev-dependencies]`, `[dependency-groups]`); the lock does not say which, so the
 * pyproject.toml beside it is read when there is one. A package is development-only when every
 * group that needs it is a development group; without a pyproject.toml only PDM's own default
 * dev group name, "dev", is taken as one, and other groups leave the package unmarked.
 * @see https://pdm-project.org/latest/usage/lockfile/
 * @see https://pdm-project.org/latest/usage/dependency/#add-development-only-dependencies
 */
import { parse as parseToml } from 'smol-toml';
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isDistributionName, isRecord, isRecordedVersion, PypiPackageSet, pypiPackage } from '../python-installed/pypi-package.js';
import { readNameAndVersion, readTomlLock, stringList } from '../python-installed/read-toml.js';

/** The project's group kinds, from its pyproject.toml. */
export interface PdmGroups {
  development: Set<string>;
  optional: Set<string>;
}

export function pdmGroupsFromPyproject(text: string): PdmGroups | undefined {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const keys = (value: unknown) => (isRecord(value) ? Object.keys(value) : []);
  const tool = isRecord(doc.tool) ? doc.tool : {};
  const pdm = isRecord(tool.pdm) ? tool.pdm : {};
  const project = isRecord(doc.project) ? doc.project : {};
  return {
    development: new Set([...keys(pdm['dev-dependencies']), ...keys(doc['dependency-groups'])]),
    optional: new Set(keys(project['optional-dependencies'])),
  };
}

function developmentOf(groups: string[] | undefined, known: PdmGroups | undefined): boolean | undefined {
  if (!groups || groups.length === 0) return undefined;
  if (groups.includes('default')) return false;
  if (!known) return groups.every((g) => g === 'dev') ? true : undefined;
  if (groups.some((g) => known.optional.has(g))) return false;
  return groups.every((g) => known.development.has(g)) ? true : undefined;
}

export async function parsePdmLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  let known: PdmGroups | undefined;
  try {
    const pyproject = await file.open('pyproject.toml');
    if (pyproject && pyproject.size <= 4 * 1024 * 1024) known = pdmGroupsFromPyproject(await pyproject.text());
  } catch {
    known = undefined;
  }
  return parsePdmLockText(await file.text(), ctx, known);
}

export function parsePdmLockText(text: string, ctx: CatalogContext, known?: PdmGroups): ParsedPackage[] {
  const lock = readTomlLock(text, ctx, 'pdm.lock');
  if (!lock) return [];
  const set = new PypiPackageSet();
  lock.packages.forEach((item, index) => {
    const read = readNameAndVersion(item, `package[${index}]`, ctx, isDistributionName, isRecordedVersion);
    if (!read) return;
    const { entry, name, version } = read;
    const groups = stringList(entry.groups);
    const metadata: PackageMetadata = {};
    if (groups && groups.length > 0) metadata.groups = groups.join(',');
    if (typeof entry.marker === 'string' && entry.marker !== '') metadata.markers = entry.marker;
    for (const key of ['git', 'url', 'path'] as const) {
      const value = entry[key];
      if (typeof value === 'string' && value !== '') metadata.sourceUrl = value;
    }
    if (typeof entry.revision === 'string' && entry.revision !== '') metadata.sourceReference = entry.revision;
    if (entry.editable === true) metadata.editable = true;
    const development = developmentOf(groups, known);
    set.add(pypiPackage({ name, version, ...(development !== undefined ? { development } : {}), metadata }));
  });
  return set.list();
}
