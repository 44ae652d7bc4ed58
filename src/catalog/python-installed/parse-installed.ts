/**
 * @module Turns one installed Python distribution into a package: a `*.dist-info/METADATA`
 * (wheels, pip, uv, modern setuptools), an `*.egg-info/PKG-INFO` or a single-file `*.egg-info`
 * (setuptools' older installs, distro packages), an unzipped `*.egg/EGG-INFO/PKG-INFO`, or a
 * zipped `*.egg` (read in place, by ranges). Beside a dist-info, INSTALLER names the tool that
 * installed it and direct_url.json says when it came from a URL, a VCS or an editable checkout.
 * @see https://packaging.python.org/en/latest/specifications/recording-installed-packages/
 * @see https://packaging.python.org/en/latest/specifications/direct-url-data-structure/
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { coreMetadataFacts, coreMetadataLicenses, firstHeader, parseCoreMetadataHeaders } from './parse-core-metadata.js';
import { isDistributionName, isRecord, isRecordedVersion, pypiPackage } from './pypi-package.js';
import { listArchiveEntries, openArchive, readArchiveEntry } from '../zip/read-archive.js';

/** The package one core metadata text describes; undefined (and a skip) when it names none. */
export function packageFromCoreMetadata(text: string, ctx: CatalogContext, extra: PackageMetadata = {}): ParsedPackage | undefined {
  const headers = parseCoreMetadataHeaders(text);
  const name = firstHeader(headers, 'name');
  const version = firstHeader(headers, 'version');
  if (name === undefined || !isDistributionName(name)) {
    ctx.skip(name === undefined ? 'no Name header' : `Name "${name.slice(0, 80)}" is not a distribution name`);
    return undefined;
  }
  if (version === undefined || !isRecordedVersion(version)) {
    ctx.skip(version === undefined ? `${name} has no Version header` : `${name} has an unusable Version "${version.slice(0, 80)}"`);
    return undefined;
  }
  return pypiPackage({
    name,
    version,
    licenses: coreMetadataLicenses(headers),
    metadata: { ...coreMetadataFacts(headers), ...extra },
  });
}

async function optionalText(file: CatalogFile, neighbour: string): Promise<string | undefined> {
  try {
    const other = await file.open(neighbour);
    if (!other || other.size > 1024 * 1024) return undefined;
    return await other.text();
  } catch {
    return undefined;
  }
}

/** What INSTALLER and direct_url.json beside a METADATA add. */
async function distInfoExtras(file: CatalogFile): Promise<PackageMetadata> {
  const extras: PackageMetadata = {};
  const installer = (await optionalText(file, 'INSTALLER'))?.split(/\r?\n/)[0]?.trim();
  if (installer && installer.length <= 100) extras.installer = installer;
  const directUrl = await optionalText(file, 'direct_url.json');
  if (directUrl !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(directUrl);
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed)) {
      if (typeof parsed.url === 'string' && parsed.url !== '') extras.directUrl = parsed.url;
      if (isRecord(parsed.dir_info) && parsed.dir_info.editable === true) extras.editable = true;
      if (isRecord(parsed.vcs_info) && typeof parsed.vcs_info.commit_id === 'string') extras.vcsCommit = parsed.vcs_info.commit_id;
    }
  }
  return extras;
}

/** PKG-INFO is a few KB; a larger entry is not one. */
const MAX_PKG_INFO_BYTES = 4 * 1024 * 1024;
/** Entries looked through in a zipped egg (one of a large project has some thousands). */
const MAX_EGG_ENTRIES = 200_000;

/** A zipped .egg (setuptools' easy_install format), read in place: its EGG-INFO/PKG-INFO alone. */
async function parseZippedEgg(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const zip = await openArchive(file, file.path, 'egg', ctx);
  if (!zip) return [];
  const [entry] = await listArchiveEntries(zip, file.path, ctx, MAX_EGG_ENTRIES, (name) => name === 'EGG-INFO/PKG-INFO');
  if (!entry) {
    ctx.warn('UNREADABLE_ARCHIVE', `${file.path} has no EGG-INFO/PKG-INFO`);
    return [];
  }
  if (entry.size > MAX_PKG_INFO_BYTES) {
    ctx.skip(`EGG-INFO/PKG-INFO is ${entry.size} bytes, more than the ${MAX_PKG_INFO_BYTES} read`);
    return [];
  }
  const bytes = await readArchiveEntry(zip, entry, file.path, ctx);
  if (!bytes) return [];
  const pkg = packageFromCoreMetadata(bytes.toString('utf8'), ctx, { format: 'egg' });
  return pkg ? [pkg] : [];
}

export async function parseInstalledPython(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const path = file.path;
  if (/\.egg$/i.test(path)) return parseZippedEgg(file, ctx);
  const format = /\.dist-info\/METADATA$/.test(path)
    ? 'dist-info'
    : /\.egg\/EGG-INFO\/PKG-INFO$/i.test(path)
      ? 'egg'
      : 'egg-info';
  const extras = format === 'dist-info' ? await distInfoExtras(file) : {};
  const pkg = packageFromCoreMetadata(await file.text(), ctx, { format, ...extras });
  return pkg ? [pkg] : [];
}
