/**
 * A Go module as a package: the purl splits the module path at its last '/' (namespace, name),
 * the version stays as Go writes it ("v1.2.3", pseudo-versions, "+incompatible").
 * @see https://github.com/package-url/purl-spec/blob/main/types-doc/golang-definition.md
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/**
 * The package for a module, or the reason there is none: a purl cannot be made for a path with
 * an empty last element or a "v" version that is not semantic (packageurl-js rejects those).
 */
export function goModulePackage(path: string, version: string, metadata?: PackageMetadata): ParsedPackage | string {
  const slash = path.lastIndexOf('/');
  let purl: string;
  try {
    purl = buildPurl({
      type: 'golang',
      ...(slash > 0 ? { namespace: path.slice(0, slash) } : {}),
      name: slash >= 0 ? path.slice(slash + 1) : path,
      version,
    });
  } catch {
    return `${path} ${version} is not a module path and version a purl can name`;
  }
  return {
    name: path,
    version,
    type: 'golang',
    purl,
    ecosystem: 'Go',
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/**
 * Whether a `replace` target is a directory rather than a module: Go's rule is a path that
 * starts with ./ or ../ or is absolute (Unix or Windows).
 * @see https://go.dev/ref/mod#go-mod-file-replace
 */
export function isDirectoryPath(path: string): boolean {
  return (
    path.startsWith('./') ||
    path.startsWith('../') ||
    path.startsWith('/') ||
    path.startsWith('.\\') ||
    path.startsWith('..\\') ||
    path === '.' ||
    path === '..' ||
    /^[A-Za-z]:[\\/]/.test(path) ||
    path.startsWith('\\\\')
  );
}
