/**
 * Debian package versions: `[epoch:]upstream[-revision]`, ordered as `dpkg --compare-versions`.
 * @see https://www.debian.org/doc/debian-policy/ch-controlfields.html#version
 */
import {
  compareDigits,
  isAsciiLetter,
  isDigit,
  parsed,
  rejected,
  schemeFunctions,
  type ParseResult,
  type VersionScheme,
} from './scheme.js';

export interface DpkgVersion {
  epoch: string;
  upstream: string;
  /** '' when the version has no revision; dpkg orders that like revision '0'. */
  revision: string;
}

// dpkg stores the epoch in an int and refuses anything larger.
const MAX_EPOCH = '2147483647';
// Characters dpkg accepts without complaint; anything else is at best a warning there.
const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

function readDpkgVersion(input: string): ParseResult<DpkgVersion> {
  // dpkg trims surrounding blanks but rejects blanks inside.
  const version = input.trim();
  if (version === '') return rejected('version string is empty');
  if (/\s/.test(version)) return rejected('version string has embedded spaces');

  let rest = version;
  let epoch = '0';
  const colon = version.indexOf(':');
  if (colon >= 0) {
    epoch = version.slice(0, colon);
    rest = version.slice(colon + 1);
    if (epoch === '') return rejected('epoch in version is empty');
    if (!/^[0-9]+$/.test(epoch)) return rejected('epoch in version is not number');
    if (compareDigits(epoch, MAX_EPOCH) > 0) return rejected('epoch in version is too big');
    if (rest === '') return rejected('nothing after colon in version number');
  }

  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === '') return rejected('revision number is empty');
  }
  if (upstream === '') return rejected('version number is empty');
  // dpkg only warns about these two, but a package built with them is refused by dpkg-deb,
  // so real databases and advisories never carry them.
  if (!isDigit(upstream[0])) return rejected('version number does not start with digit');
  if (!UPSTREAM_CHARS.test(upstream) || !REVISION_CHARS.test(revision)) {
    return rejected('invalid character in version number');
  }
  return parsed({ epoch, upstream, revision });
}

/** dpkg's weight of one non-digit character: '~' before the end, the end before letters, letters before the rest. */
function weight(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** Compares upstream or revision strings: alternating non-digit runs (by weight) and digit runs (as numbers). */
export function compareDpkgParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const wa = isDigit(a[i]) ? 0 : weight(a[i]);
      const wb = isDigit(b[j]) ? 0 : weight(b[j]);
      if (wa !== wb) return wa - wb;
      if (i < a.length && !isDigit(a[i])) i++;
      if (j < b.length && !isDigit(b[j])) j++;
    }
    const startA = i;
    const startB = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const byNumber = compareDigits(a.slice(startA, i), b.slice(startB, j));
    if (byNumber !== 0) return byNumber;
  }
  return 0;
}

export function compareDpkgVersions(a: DpkgVersion, b: DpkgVersion): number {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareDpkgParts(a.upstream, b.upstream) ||
    compareDpkgParts(a.revision, b.revision)
  );
}

export const dpkg = {
  name: 'dpkg',
  ecosystems: ['Debian', 'Ubuntu'],
  ...schemeFunctions('dpkg', readDpkgVersion, compareDpkgVersions),
} satisfies VersionScheme<DpkgVersion>;
