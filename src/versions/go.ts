/**
 * Go module versions: semantic versions with a 'v' (OSV records drop it), '+incompatible'
 * for pre-modules major versions, and pseudo-versions, which are ordinary pre-releases.
 * @see https://go.dev/ref/mod#versions
 * @see https://go.dev/ref/mod#pseudo-versions
 */
import { parsed, rejected, schemeFunctions, type ParseResult, type VersionScheme } from './scheme.js';
import { compareSemverVersions, type SemverVersion } from './semver.js';

export interface GoVersion extends SemverVersion {
  /** Set for pseudo-versions: the commit time (yyyymmddhhmmss) and the 12-hex-digit revision. */
  pseudo?: { timestamp: string; revision: string };
}

// golang.org/x/mod/semver's grammar: no leading zeros in numbers or numeric identifiers;
// 'v1' and 'v1.2' are shorthands for v1.0.0 and v1.2.0 but take no pre-release or build.
const NUMBER = String.raw`(?:0|[1-9][0-9]*)`;
const IDENTIFIER = String.raw`(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const FULL = new RegExp(
  String.raw`^v?(${NUMBER})\.(${NUMBER})\.(${NUMBER})(?:-(${IDENTIFIER}(?:\.${IDENTIFIER})*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$`,
);
const SHORT = new RegExp(String.raw`^v?(${NUMBER})(?:\.(${NUMBER}))?$`);
// vX.0.0-yyyymmddhhmmss-abcdefabcdef, vX.Y.Z-pre.0.yyyymmddhhmmss-…, vX.Y.(Z+1)-0.yyyymmddhhmmss-…
const PSEUDO = /(?:^|\.)(\d{14})-([0-9a-f]{12})$/;

function readGoVersion(version: string): ParseResult<GoVersion> {
  const full = FULL.exec(version);
  if (full) {
    const [, major = '0', minor = '0', patch = '0', prerelease, build] = full;
    const pre = prerelease === undefined ? [] : prerelease.split('.');
    const value: GoVersion = { major, minor, patch, prerelease: pre, build: build === undefined ? [] : build.split('.') };
    const pseudo = prerelease === undefined ? null : PSEUDO.exec(prerelease);
    if (pseudo) value.pseudo = { timestamp: pseudo[1] ?? '', revision: pseudo[2] ?? '' };
    return parsed(value);
  }
  const short = SHORT.exec(version);
  if (short) return parsed({ major: short[1] ?? '0', minor: short[2] ?? '0', patch: '0', prerelease: [], build: [] });
  return rejected('not a Go module version vMAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]');
}

export const go = {
  name: 'go',
  ecosystems: ['Go'],
  // Build metadata, '+incompatible' included, takes no part in the order (as in x/mod/semver).
  ...schemeFunctions('go', readGoVersion, compareSemverVersions),
} satisfies VersionScheme<GoVersion>;
