/**
 * @module Parses Pipfile.lock (pipenv): JSON whose `default` section holds what the project needs
 * at run time and `develop` what only its dev-packages need, each a map from name to
 * `{ "version": "==1.2.3", "hashes", "markers", "index" }`. A package locked in `develop` at the
 * same version as in `default` is not development-only. Entries without a version (editable,
 * VCS or path installs) cannot be matched by version; they are counted in one warning.
 * @see https://pipenv.pypa.io/en/latest/pipfile.html#pipfile-lock
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isDistributionName, isRecord, isRecordedVersion, PypiPackageSet, pypiPackage, withoutBom } from '../python-installed/pypi-package.js';

export async function parsePipfileLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parsePipfileLockText(await file.text(), ctx);
}

export function parsePipfileLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const body = withoutBom(text);
  if (body.trim() === '') return [];
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    ctx.warn('UNREADABLE_LOCKFILE', 'Pipfile.lock is not JSON');
    return [];
  }
  if (!isRecord(doc)) {
    ctx.warn('UNREADABLE_LOCKFILE', 'Pipfile.lock is not a JSON object');
    return [];
  }
  const set = new PypiPackageSet();
  const unversioned: string[] = [];
  // default first, so that its listing decides where both list a package.
  for (const [section, development] of [['default', false], ['develop', true]] as const) {
    const entries = doc[section];
    if (entries === undefined) continue;
    if (!isRecord(entries)) {
      ctx.skip(`"${section}" is not an object`);
      continue;
    }
    for (const [name, entry] of Object.entries(entries)) {
      const where = `${section}.${name.slice(0, 100)}`;
      if (!isDistributionName(name)) {
        ctx.skip(`${where}: not a package name`);
        continue;
      }
      if (!isRecord(entry)) {
        ctx.skip(`${where} is not an object`);
        continue;
      }
      if (entry.version === undefined || entry.version === '*') {
        unversioned.push(name);
        continue;
      }
      const pinned = typeof entry.version === 'string' ? /^===?(.+)$/.exec(entry.version.trim()) : null;
      const version = pinned?.[1]?.trim();
      if (version === undefined || !isRecordedVersion(version)) {
        ctx.skip(`${where} has a version that is not "==x": ${JSON.stringify(entry.version).slice(0, 80)}`);
        continue;
      }
      const metadata: PackageMetadata = {};
      if (typeof entry.markers === 'string' && entry.markers !== '') metadata.markers = entry.markers;
      if (typeof entry.index === 'string' && entry.index !== '' && entry.index !== 'pypi') metadata.index = entry.index;
      set.add(pypiPackage({ name, version, development, metadata }));
    }
  }
  if (unversioned.length > 0) {
    ctx.warn(
      'UNVERSIONED_PACKAGES',
      `${unversioned.length} package${unversioned.length === 1 ? ' has' : 's have'} no version (editable, VCS or path installs) and ${unversioned.length === 1 ? 'was' : 'were'} left out (first: ${unversioned[0]})`,
    );
  }
  return set.list();
}
