/**
 * @module Parses the package.json at the root of an installed package
 * (node_modules/<name>/package.json or node_modules/@scope/<name>/package.json).
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isNpmName, isRecord, isRecordedVersion, npmPackage, readLicenses, stringField } from '../npm-lockfile/npm-package.js';

/**
 * True when `path` is the manifest at the root of an installed package: the folder above it is
 * a package folder directly inside node_modules (or inside a scope folder there), not a folder
 * inside a package such as node_modules/a/lib.
 */
export function isInstalledManifestPath(path: string): boolean {
  const segments = path.split('/');
  const n = segments.length;
  if (segments[n - 1] !== 'package.json' || n < 3) return false;
  const folder = segments[n - 2]!;
  if (folder.startsWith('@') || folder.startsWith('.')) return false; // a scope folder or .bin, .pnpm…
  if (segments[n - 3] === 'node_modules') return true;
  return n >= 4 && segments[n - 3]!.startsWith('@') && segments[n - 4] === 'node_modules';
}

export function parseInstalledManifestText(path: string, text: string, ctx: CatalogContext): ParsedPackage[] {
  if (!isInstalledManifestPath(path)) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    ctx.warn('UNREADABLE_MANIFEST', `not valid JSON: ${(error as Error).message}`);
    return [];
  }
  if (!isRecord(manifest)) {
    ctx.warn('UNREADABLE_MANIFEST', 'not a package.json: the top level is not a JSON object');
    return [];
  }
  const { name, version } = manifest;
  if (!isNpmName(name) || !isRecordedVersion(version)) {
    ctx.skip(`package.json without a valid name and version (name: ${JSON.stringify(name)?.slice(0, 80)}, version: ${JSON.stringify(version)?.slice(0, 80)})`);
    return [];
  }
  const metadata: Record<string, string | boolean> = {};
  if (manifest.private === true) metadata.private = true;
  // npm 6 and older recorded where an installed package came from in its package.json.
  const resolved = stringField(manifest, '_resolved');
  const integrity = stringField(manifest, '_integrity');
  if (resolved) metadata.resolved = resolved;
  if (integrity) metadata.integrity = integrity;
  const folder = path.split('/').slice(-3, -1);
  const installedAs = folder[0]!.startsWith('@') ? folder.join('/') : folder[1]!;
  if (installedAs !== name) metadata.alias = installedAs;
  return [npmPackage({ name, version, licenses: readLicenses(manifest.license, manifest.licenses), metadata })];
}

export async function parseInstalledManifest(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  if (!isInstalledManifestPath(file.path)) return [];
  return parseInstalledManifestText(file.path, await file.text(), ctx);
}
