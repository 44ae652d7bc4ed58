/** @module Version schemes (parse, compare, validate) and the registry from OSV ecosystem names to them. @see https://ossf.github.io/osv-schema/#affectedpackage-field */
import { apk } from './apk.js';
import { composer } from './composer.js';
import { dpkg } from './dpkg.js';
import { go } from './go.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import { rubygems } from './rubygems.js';
import type { VersionScheme } from './scheme.js';
import { semver } from './semver.js';

export { VersionParseError, type VersionScheme } from './scheme.js';
export type { ApkToken, ApkVersion } from './apk.js';
export type { ComposerVersion } from './composer.js';
export type { DpkgVersion } from './dpkg.js';
export type { GoVersion } from './go.js';
export type { MavenItem, MavenVersion } from './maven.js';
export type { NuGetVersion } from './nuget.js';
export type { ParsedPep440, Pep440Version } from './pep440.js';
export type { RpmVersion } from './rpm.js';
export type { RubyGemsVersion } from './rubygems.js';
export type { SemverVersion } from './semver.js';

/** Every scheme, one line each; registry.test.ts fails when a scheme file is missing here. */
export const schemes: readonly VersionScheme[] = [
  dpkg,
  rpm,
  apk,
  semver,
  go,
  pep440,
  maven,
  rubygems,
  nuget,
  composer,
];

const byEcosystem = new Map<string, VersionScheme>(
  schemes.flatMap((scheme) => scheme.ecosystems.map((ecosystem) => [ecosystem, scheme] as const)),
);

/**
 * The scheme for an OSV ecosystem string. Release suffixes are ignored: 'Debian:12',
 * 'Ubuntu:Pro:18.04:LTS', 'Alpine:v3.20', 'Red Hat:enterprise_linux:9::appstream' and a
 * bare 'Red Hat' all name their base ecosystem by the part before the first ':'.
 */
export function schemeFor(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(':');
  const base = (colon >= 0 ? ecosystem.slice(0, colon) : ecosystem).trim();
  return byEcosystem.get(base);
}
