/**
 * @module What an archive's file name says: Maven names artifacts "<artifactId>-<version>.<ext>"
 * (commons-lang3-3.12.0.jar, guava-31.1-jre.jar, log4j-1.2-api-2.17.1.jar).
 * @see https://maven.apache.org/guides/mini/guide-naming-conventions.html
 */

/** Extensions of Java archives: jar and its kin, web and enterprise archives, plugins. */
export const JAVA_ARCHIVE_EXTENSIONS = ['jar', 'war', 'ear', 'jpi', 'hpi', 'par', 'sar', 'nar', 'kar', 'rar'] as const;

const EXTENSION = new RegExp(`\\.(${JAVA_ARCHIVE_EXTENSIONS.join('|')})$`, 'i');

export function isJavaArchiveName(name: string): boolean {
  return EXTENSION.test(name);
}

/** Words that qualify a version rather than name an artifact ("2.0-rc-1", "31.1-jre"). */
const QUALIFIERS = /^(alpha|beta|rc|cr|m|milestone|sp|ga|final|release|snapshot|incubating|jre|android|preview|ea|dev|pre|b)$/i;

export interface FileNameParts {
  artifactId: string;
  version?: string;
}

/**
 * Splits a file name into artifactId and version. The version begins at a "-" followed by a
 * digit; when several do, the first one after which no artifact-like word is followed by
 * another number ("log4j-1.2-api-2.17.1": "1.2-api" belongs to the name).
 */
export function parseArchiveFileName(fileName: string): FileNameParts | undefined {
  const base = fileName.replace(EXTENSION, '');
  if (base === '' || base === fileName) return undefined;
  const segments = base.split('-');
  const splits = segments.map((segment, index) => (index > 0 && /^\d/.test(segment) ? index : -1)).filter((index) => index > 0);
  const clean = (index: number) => {
    const rest = segments.slice(index);
    return !rest.some((segment, i) => /^[A-Za-z]/.test(segment) && !QUALIFIERS.test(segment) && rest.slice(i + 1).some((later) => /^\d/.test(later)));
  };
  const split = splits.find(clean) ?? splits[0];
  if (split === undefined) return { artifactId: base };
  return { artifactId: segments.slice(0, split).join('-'), version: segments.slice(split).join('-') };
}
