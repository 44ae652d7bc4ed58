/**
 * @module Reads a wheel (`*.whl`, a Python built distribution) in place, by ranges: the one
 * `.dist-info` folder at its root and the METADATA in it, found and judged as pip judges them
 * when it installs the wheel. The file name must be a wheel's; the archive must hold exactly one
 * `.dist-info` folder at its root, whose normalised name starts with the normalised project name
 * the file name gives; METADATA in it names the package. A wheel is no installed distribution,
 * but it is the package's code as it will run: ensurepip runs pip from the wheel it bundles, and
 * `python -m venv` installs it into every new environment.
 * @see https://packaging.python.org/en/latest/specifications/binary-distribution-format/
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { packageFromCoreMetadata } from '../python-installed/parse-installed.js';
import { normalizePypiName } from '../python-installed/pypi-package.js';
import { listArchiveEntries, openArchive, readArchiveEntry } from '../zip/read-archive.js';

/** Entries looked through (a large wheel has some thousands). */
const MAX_ENTRIES = 200_000;
/** METADATA is a few KB, or some hundreds with a long description; a larger entry is not one. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * The project name a wheel's file name gives: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`,
 * a build tag starting with a digit; undefined for a name that is not a wheel's.
 */
export function wheelProjectName(fileName: string): string | undefined {
  if (!fileName.endsWith('.whl') || /\s/.test(fileName)) return undefined;
  const parts = fileName.slice(0, -'.whl'.length).split('-');
  const [name, , third] = parts;
  if (parts.length !== 5 && !(parts.length === 6 && /^\d/.test(third ?? ''))) return undefined;
  return name !== '' && parts.slice(parts.length - 3).every((tag) => tag !== '') ? name : undefined;
}

export async function parseWheel(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const path = file.path;
  const project = wheelProjectName(path.slice(path.lastIndexOf('/') + 1));
  if (project === undefined) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path} is not named as a wheel is ({name}-{version}-{python}-{abi}-{platform}.whl)`);
    return [];
  }
  const zip = await openArchive(file, path, 'wheel', ctx);
  if (!zip) return [];
  // The folders at the root whose names end in .dist-info, and each one's METADATA.
  const infoFolders = new Set<string>();
  const entries = await listArchiveEntries(zip, path, ctx, MAX_ENTRIES, (name) => {
    const slash = name.indexOf('/');
    if (slash === -1 || !name.slice(0, slash).endsWith('.dist-info')) return false;
    infoFolders.add(name.slice(0, slash));
    return name.length === slash + '/METADATA'.length && name.endsWith('/METADATA');
  });
  const [folder, ...others] = [...infoFolders].sort();
  if (folder === undefined) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path} has no .dist-info folder at its root`);
    return [];
  }
  if (others.length > 0) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path} has more than one .dist-info folder at its root (${[folder, ...others].join(', ')}), so it names no one package`);
    return [];
  }
  if (!normalizePypiName(folder).startsWith(normalizePypiName(project))) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path}: its folder ${folder} is not named for the project ${project} its file name gives`);
    return [];
  }
  const metadata = entries.find((entry) => entry.name === `${folder}/METADATA`);
  if (!metadata) {
    ctx.warn('UNREADABLE_ARCHIVE', `${path} has no ${folder}/METADATA`);
    return [];
  }
  if (metadata.size > MAX_METADATA_BYTES) {
    ctx.skip(`${folder}/METADATA is ${metadata.size} bytes, more than the ${MAX_METADATA_BYTES} read`);
    return [];
  }
  const bytes = await readArchiveEntry(zip, metadata, path, ctx);
  if (!bytes) return [];
  const text = bytes.toString('utf8');
  const pkg = packageFromCoreMetadata(text, ctx, { format: 'wheel' });
  return pkg ? [pkg] : [];
}
