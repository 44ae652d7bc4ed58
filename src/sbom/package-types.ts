/** @module The purl types Vigil models as packages, as a runtime list for readers. */
import type { PackageType } from '../model/package.js';

export const packageTypes: readonly PackageType[] = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'gem',
  'composer',
  'nuget',
] satisfies readonly PackageType[];

export function isPackageType(value: string | undefined): value is PackageType {
  return value !== undefined && (packageTypes as readonly string[]).includes(value);
}
