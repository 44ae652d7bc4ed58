/**
 * @module The Java archive cataloger: jar, war, ear and their kin (Jenkins .jpi/.hpi, JBoss .sar,
 * .par, NiFi .nar, Karaf .kar, resource adapter .rar), nested archives included: Maven's
 * pom.properties first, the manifest and file name when there is none.
 * @see https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { JAVA_ARCHIVE_EXTENSIONS } from './file-name.js';
import { parseJavaArchive } from './parse-archive.js';

export const javaArchiveCataloger = defineCataloger({
  name: 'java-archive',
  version: 1,
  reads: 'installed',
  // Patterns match case-sensitively: the common upper-case spellings are listed too.
  patterns: [...JAVA_ARCHIVE_EXTENSIONS.map((extension) => `/**/*.${extension}`), '/**/*.JAR', '/**/*.WAR', '/**/*.EAR'],
  parse: parseJavaArchive,
}) satisfies Cataloger;
