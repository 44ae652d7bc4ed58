/**
 * @module Maven coordinates shared by the Java catalogers: what a groupId, artifactId and
 * version may look like, and the package one set of coordinates becomes.
 * @see https://maven.apache.org/guides/mini/guide-naming-conventions.html
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/** Maven's own pattern for groupId and artifactId ("[A-Za-z0-9_\-.]+"). */
const COORDINATE = /^[A-Za-z0-9_.-]+$/;

export function isMavenCoordinate(value: string | undefined): value is string {
  return value !== undefined && value.length <= 256 && COORDINATE.test(value) && value !== '.' && value !== '..';
}

/**
 * Why a version cannot name one release, or undefined when it can: empty, spaced, a range
 * ("[1.0,2.0)"), or a property reference left unresolved ("${x}").
 */
export function unusableVersion(version: string | undefined): string | undefined {
  if (version === undefined || version === '') return 'no version';
  if (version.length > 256) return 'a version longer than 256 characters';
  if (/\s/.test(version)) return `version "${version}" contains white space`;
  if (version.includes('${')) return `version "${version}" refers to a property that is not defined here`;
  if (/&[A-Za-z_][\w.-]*;/.test(version)) return `version "${version}" refers to an XML entity, which is never expanded`;
  if (/^[[(]|[\])]$/.test(version) || version.includes(',')) return `version "${version}" is a range, not one release`;
  return undefined;
}

export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

/** The package for one set of valid coordinates (check them with the functions above first). */
export function mavenPackage(
  coordinates: MavenCoordinates,
  extra: { development?: boolean; licenses?: string[]; metadata?: PackageMetadata; locationPath?: string; sha1?: string } = {},
): ParsedPackage {
  const { groupId, artifactId, version } = coordinates;
  return {
    name: `${groupId}:${artifactId}`,
    version,
    type: 'maven',
    purl: buildPurl({ type: 'maven', namespace: groupId, name: artifactId, version }),
    ecosystem: 'Maven',
    ...(extra.licenses && extra.licenses.length > 0 ? { licenses: extra.licenses } : {}),
    ...(extra.development !== undefined ? { development: extra.development } : {}),
    ...(extra.sha1 ? { hashes: [{ algorithm: 'SHA-1' as const, value: extra.sha1 }] } : {}),
    ...(extra.metadata && Object.keys(extra.metadata).length > 0 ? { metadata: extra.metadata } : {}),
    ...(extra.locationPath ? { locationPath: extra.locationPath } : {}),
  };
}
