/**
 * RPM versions: `[epoch:]version[-release]`, ordered as rpm's rpmvercmp (with `~` and `^`).
 * @see https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning
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

export interface RpmVersion {
  epoch: string;
  version: string;
  /** Absent when the string has no '-'; rpm sorts a missing release before any release. */
  release?: string;
}

function readRpmVersion(evr: string): ParseResult<RpmVersion> {
  if (evr === '') return rejected('version string is empty');
  // rpm itself compares nearly anything; blanks and control characters only come from
  // mangled input (a whole NEVRA line, a stray newline), so they are refused here.
  if (/[\s\p{Cc}]/u.test(evr)) return rejected('version contains blanks or control characters');

  // Like rpm's parseEVR: an epoch is a run of digits right before the first ':'. Anything
  // else with a colon ("a:1", module streams) is simply part of the version.
  const epochMatch = /^([0-9]*):/.exec(evr);
  const epoch = epochMatch ? epochMatch[1] || '0' : '0';
  const rest = epochMatch ? evr.slice(epochMatch[0].length) : evr;
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  // rpmbuild refuses a package without a Version, so an empty one means a broken string.
  if (version === '') return rejected('version part is empty');
  return parsed(hyphen >= 0 ? { epoch, version, release: rest.slice(hyphen + 1) } : { epoch, version });
}

const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAsciiLetter(c);
const isSeparator = (c: string | undefined): boolean =>
  c !== undefined && !isAlnum(c) && c !== '~' && c !== '^';

/** rpmvercmp: alternating digit and letter segments; '~' sorts before anything, '^' after the end only. */
export function compareRpmSegments(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a[i])) i++;
    while (isSeparator(b[j])) j++;

    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // A caret is a post-release marker: higher than the end of the string, lower than anything else.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAsciiLetter;
    const startA = i;
    const startB = j;
    while (inSegment(a[i])) i++;
    while (inSegment(b[j])) j++;
    // A number against letters: the number is newer.
    if (j === startB) return numeric ? 1 : -1;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    const order = numeric ? compareDigits(segA, segB) : segA < segB ? -1 : segA > segB ? 1 : 0;
    if (order !== 0) return order;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compareRpmVersions(a: RpmVersion, b: RpmVersion): number {
  const byEpoch = compareDigits(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = compareRpmSegments(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  if (a.release === undefined || b.release === undefined) {
    return (a.release === undefined ? 0 : 1) - (b.release === undefined ? 0 : 1);
  }
  return compareRpmSegments(a.release, b.release);
}

export const rpm = {
  name: 'rpm',
  ecosystems: [
    'Red Hat',
    'Rocky Linux',
    'AlmaLinux',
    'SUSE',
    'openSUSE',
    'openEuler',
    'Photon OS',
    'Azure Linux',
    'Mageia',
  ],
  ...schemeFunctions('rpm', readRpmVersion, compareRpmVersions),
} satisfies VersionScheme<RpmVersion>;
