/**
 * Semantic Versioning 2.0.0, as npm and Cargo order versions: numbers, then pre-release
 * identifiers (numeric ones below alphanumeric ones), build metadata ignored.
 * @see https://semver.org/spec/v2.0.0.html#spec-item-11
 */
import {
  compareDigits,
  compareStrings,
  parsed,
  rejected,
  schemeFunctions,
  type ParseResult,
  type VersionScheme,
} from './scheme.js';

export interface SemverVersion {
  /** Digit strings, not numbers: advisories carry components beyond 2^53. */
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string[];
}

const IDENTIFIERS = String.raw`[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*`;
/**
 * Advisories and lockfiles write versions a little looser than the spec: a leading 'v' or '='
 * (node-semver strips both) and a missing minor or patch (OSV's `introduced: "0"`), read as 0.
 */
const LENIENT_SEMVER = new RegExp(
  String.raw`^[v=]?(\d+)(?:\.(\d+)(?:\.(\d+))?)?(?:-(${IDENTIFIERS}))?(?:\+(${IDENTIFIERS}))?$`,
);

function readSemver(version: string): ParseResult<SemverVersion> {
  const match = LENIENT_SEMVER.exec(version);
  if (!match) return rejected('not MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]');
  const [, major = '0', minor = '0', patch = '0', prerelease, build] = match;
  return parsed({
    major,
    minor,
    patch,
    prerelease: prerelease === undefined ? [] : prerelease.split('.'),
    build: build === undefined ? [] : build.split('.'),
  });
}

const isNumeric = (identifier: string): boolean => /^[0-9]+$/.test(identifier);

function compareIdentifiers(a: string, b: string): number {
  const numericA = isNumeric(a);
  const numericB = isNumeric(b);
  if (numericA && numericB) return compareDigits(a, b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return compareStrings(a, b);
}

/** SemVer precedence (spec item 11). Shared with the Go scheme, which differs only in syntax. */
export function compareSemverVersions(a: SemverVersion, b: SemverVersion): number {
  const byRelease =
    compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (byRelease !== 0) return byRelease;
  // A version without pre-release identifiers is the release itself, above all its pre-releases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return (a.prerelease.length === 0 ? 1 : 0) - (b.prerelease.length === 0 ? 1 : 0);
  }
  const length = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < length; i++) {
    const order = compareIdentifiers(a.prerelease[i] as string, b.prerelease[i] as string);
    if (order !== 0) return order;
  }
  return a.prerelease.length - b.prerelease.length;
}

export const semver = {
  name: 'semver',
  ecosystems: ['npm', 'crates.io', 'Hex', 'SwiftURL'],
  ...schemeFunctions('semver', readSemver, compareSemverVersions),
} satisfies VersionScheme<SemverVersion>;
