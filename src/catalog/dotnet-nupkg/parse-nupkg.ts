/**
 * @module Reads a NuGet package (`*.nupkg`: the global packages folder, a local feed, or one given
 * alone as the target) in place, by ranges: the one `.nuspec` at the root of the zip, whose
 * <metadata> gives the package's id, version and licence. NuGet refuses a package with no nuspec
 * at its root or with more than one, and so does this.
 * @see https://learn.microsoft.com/en-us/nuget/reference/nuspec
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { childrenNamed, readXmlDocument } from '../dotnet-packages-config/xml.js';
import { isNugetId, isNugetVersion, nugetPackage } from '../dotnet-packages-lock/nuget-package.js';
import { listArchiveEntries, openArchive, readArchiveEntry } from '../zip/read-archive.js';

/** Entries looked through (a package of many frameworks has some thousands). */
const MAX_ENTRIES = 200_000;
/** A nuspec is a few KB; a larger entry is not one. */
const MAX_NUSPEC_BYTES = 4 * 1024 * 1024;


export async function parseNupkg(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const path = file.path;
  const zip = await openArchive(file, path, 'NuGet package', ctx);
  if (!zip) return [];
  const nuspecs = await listArchiveEntries(zip, path, ctx, MAX_ENTRIES, (name) => !name.includes('/') && name.toLowerCase().endsWith('.nuspec'));
  if (nuspecs.length !== 1) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path} is not a readable NuGet package: ${nuspecs.length === 0 ? 'no .nuspec at its root' : `${nuspecs.length} .nuspec files at its root`}`);
    return [];
  }
  const [nuspec] = nuspecs as [(typeof nuspecs)[number]];
  if (nuspec.size > MAX_NUSPEC_BYTES) {
    ctx.skip(`${nuspec.name} is ${nuspec.size} bytes, more than the ${MAX_NUSPEC_BYTES} read`);
    return [];
  }
  const bytes = await readArchiveEntry(zip, nuspec, path, ctx);
  if (!bytes) return [];
  const text = bytes.toString('utf8');
  const document = readXmlDocument(text);
  const metadata = document?.name === 'package' ? childrenNamed(document.root, 'metadata')[0] : undefined;
  if (!metadata) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path}: ${nuspec.name} is not a nuspec (<package><metadata>)`);
    return [];
  }
  const field = (name: string) => childrenNamed(metadata, name)[0]?.text;
  const id = field('id');
  const version = field('version');
  if (!isNugetId(id)) {
    ctx.skip(`${nuspec.name} has no valid id`);
    return [];
  }
  if (!isNugetVersion(version)) {
    ctx.skip(`${id} has no valid version`);
    return [];
  }
  // <license type="expression">MIT</license>; a licence file or only a URL names none.
  const license = childrenNamed(metadata, 'license')[0];
  const expression = license?.attributes.type === 'expression' && license.text !== '' ? license.text : undefined;
  return [{ ...nugetPackage({ name: id, version, metadata: { format: 'nupkg' } }), ...(expression ? { licenses: [expression] } : {}) }];
}
