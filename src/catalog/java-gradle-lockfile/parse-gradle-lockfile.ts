/**
 * @module Reads Gradle dependency lock files: `gradle.lockfile` (Gradle 6.8 on, one file per
 * project, each line "group:artifact:version=configuration,configuration") and the older
 * per-configuration `gradle/dependency-locks/<configuration>.lockfile` (lines "group:artifact:version").
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isMavenCoordinate, mavenPackage, unusableVersion } from '../java-pom/maven-package.js';

/** Configurations whose packages only tests use: testCompileClasspath, testRuntimeClasspath, testFixturesRuntimeClasspath… */
export function isTestConfiguration(configuration: string): boolean {
  return /^test.*Classpath$/.test(configuration);
}

/** The configuration a legacy lock file locks, from its name; undefined for gradle.lockfile. */
function legacyConfiguration(path: string): string | undefined {
  const match = /\/gradle\/dependency-locks\/([^/]+)\.lockfile$/.exec(path);
  return match ? match[1] : undefined;
}

function preview(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

export function parseGradleLockfileText(text: string, path: string, ctx: Pick<CatalogContext, 'skip'>): ParsedPackage[] {
  const legacy = legacyConfiguration(path);
  const packages: ParsedPackage[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // "empty=a,b" names the configurations that resolved to nothing.
    if (line.startsWith('empty=')) continue;
    const equals = line.indexOf('=');
    const coordinates = equals >= 0 ? line.slice(0, equals) : line;
    const configurations = legacy !== undefined ? [legacy] : equals >= 0 ? line.slice(equals + 1).split(',').map((c) => c.trim()).filter(Boolean) : [];
    if (legacy === undefined && equals < 0) {
      ctx.skip(`line "${preview(line)}" is not "group:artifact:version=configurations"`);
      continue;
    }
    const parts = coordinates.split(':');
    if (parts.length !== 3) {
      ctx.skip(`line "${preview(line)}" does not hold group:artifact:version`);
      continue;
    }
    const [groupId, artifactId, version] = parts as [string, string, string];
    if (!isMavenCoordinate(groupId) || !isMavenCoordinate(artifactId)) {
      ctx.skip(`line "${preview(line)}" has an invalid group or artifact`);
      continue;
    }
    const versionProblem = unusableVersion(version);
    if (versionProblem) {
      ctx.skip(`${groupId}:${artifactId}: ${versionProblem}`);
      continue;
    }
    const key = `${groupId}:${artifactId}:${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const metadata: PackageMetadata = {};
    if (configurations.length > 0) metadata.configurations = configurations.join(',');
    const development = configurations.length > 0 ? configurations.every(isTestConfiguration) : undefined;
    packages.push(mavenPackage({ groupId, artifactId, version }, { ...(development !== undefined ? { development } : {}), metadata }));
  }
  return packages;
}

export async function parseGradleLockfile(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseGradleLockfileText(await file.text(), file.path, ctx);
}
