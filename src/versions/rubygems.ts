/**
 * RubyGems versions, ordered as Gem::Version: numbers and letter runs, a version with any
 * letter is a pre-release, and trailing zeros do not count.
 * @see https://guides.rubygems.org/patterns/#semantic-versioning
 */
import { compareStrings, parsed, rejected, schemeFunctions, type ParseResult, type VersionScheme } from './scheme.js';

export interface RubyGemsVersion {
  /** Gem::Version#canonical_segments: numbers as bigint, letter runs as strings. */
  segments: (bigint | string)[];
  prerelease: boolean;
}

// Gem::Version::ANCHORED_VERSION_PATTERN, minus the empty string (which RubyGems reads as "0").
const GEM_VERSION = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Drops trailing zeros, as Ruby's `reverse_each.drop_while { |s| s == 0 }.reverse`. */
function withoutTrailingZeros(segments: (bigint | string)[]): (bigint | string)[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === 0n) end--;
  return segments.slice(0, end);
}

function readRubyGemsVersion(input: string): ParseResult<RubyGemsVersion> {
  // Gem::Version strips surrounding blanks, and reads '-' as '.pre.'.
  const version = input.trim();
  if (!GEM_VERSION.test(version)) return rejected('not a RubyGems version (digits, then .segments, then an optional -prerelease)');
  const normalised = version.replaceAll('-', '.pre.');
  const all = (normalised.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]/.test(s) ? BigInt(s) : s));
  // Zeros are trimmed separately before and after the first letter run: 1.0.a.0 is 1.a.
  const firstString = all.findIndex((s) => typeof s === 'string');
  const numeric = firstString === -1 ? all : all.slice(0, firstString);
  const rest = firstString === -1 ? [] : all.slice(firstString);
  return parsed({
    segments: [...withoutTrailingZeros(numeric), ...withoutTrailingZeros(rest)],
    prerelease: /[a-zA-Z]/.test(normalised),
  });
}

/** Gem::Version#<=>: missing segments are 0, a letter run sorts below any number. */
export function compareRubyGemsVersions(a: RubyGemsVersion, b: RubyGemsVersion): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const x = a.segments[i] ?? 0n;
    const y = b.segments[i] ?? 0n;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y !== 'string') return -1;
    if (typeof x !== 'string' && typeof y === 'string') return 1;
    return typeof x === 'string' ? compareStrings(x, y as string) : x < (y as bigint) ? -1 : 1;
  }
  return 0;
}

export const rubygems = {
  name: 'rubygems',
  ecosystems: ['RubyGems'],
  ...schemeFunctions('rubygems', readRubyGemsVersion, compareRubyGemsVersions),
} satisfies VersionScheme<RubyGemsVersion>;
