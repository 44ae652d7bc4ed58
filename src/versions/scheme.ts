/**
 * What every version scheme module exports, and the one error they throw.
 *
 * A scheme turns the version strings of one package ecosystem into something comparable.
 * `compare` is total on valid input and throws on invalid input: an advisory range that
 * cannot be evaluated must be reported, never read as "not affected".
 */

export interface VersionScheme<Parsed = unknown> {
  /** Registry name; equals the module's file name (`dpkg` lives in `dpkg.ts`). */
  readonly name: string;
  /** OSV ecosystem names without their `:<release>` suffix, spelled as in the OSV schema. */
  readonly ecosystems: readonly string[];
  /** The version's structure, or undefined when the string is not a version of this scheme. */
  parse(version: string): Parsed | undefined;
  /** Negative, zero or positive as a sorts before, with or after b. Throws VersionParseError. */
  compare(a: string, b: string): number;
  validate(version: string): boolean;
}

/** A version string the scheme cannot read. Carries enough to tell the user what to fix. */
export class VersionParseError extends Error {
  readonly version: string;
  readonly scheme: string;
  readonly reason: string;
  constructor(scheme: string, version: string, reason: string) {
    super(`invalid ${scheme} version ${JSON.stringify(version)}: ${reason}`);
    this.name = 'VersionParseError';
    this.scheme = scheme;
    this.version = version;
    this.reason = reason;
  }
}

/** A parse step's answer: the value, or why the string is not a version. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const rejected = (reason: string): ParseResult<never> => ({ ok: false, reason });

/**
 * Builds the parse / compare / validate trio from one reasoned parser and one comparator of
 * parsed values, so that every scheme rejects bad input the same way.
 */
export function schemeFunctions<T>(
  name: string,
  read: (version: string) => ParseResult<T>,
  compareParsed: (a: T, b: T) => number,
): Pick<VersionScheme<T>, 'parse' | 'compare' | 'validate'> {
  const parseOrThrow = (version: string): T => {
    if (typeof version !== 'string') {
      throw new VersionParseError(name, String(version), 'not a string');
    }
    const result = read(version);
    if (!result.ok) throw new VersionParseError(name, version, result.reason);
    return result.value;
  };
  return {
    parse(version: string): T | undefined {
      if (typeof version !== 'string') return undefined;
      const result = read(version);
      return result.ok ? result.value : undefined;
    },
    compare(a: string, b: string): number {
      const order = compareParsed(parseOrThrow(a), parseOrThrow(b));
      return order < 0 ? -1 : order > 0 ? 1 : 0;
    },
    validate(version: string): boolean {
      return typeof version === 'string' && read(version).ok;
    },
  };
}

/**
 * Compares two strings of ASCII digits as unbounded non-negative integers. Versions carry
 * numbers far beyond 2^53 (dates with times, build stamps), so never go through Number.
 */
export function compareDigits(a: string, b: string): number {
  // An empty run counts as zero: dpkg and rpm both read a missing number that way.
  const x = stripLeadingZeros(a) || '0';
  const y = stripLeadingZeros(b) || '0';
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

/** Plain code-unit order, for the places where a package manager uses strcmp. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
export const isAsciiLetter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
