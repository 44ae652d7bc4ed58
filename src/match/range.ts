/**
 * @module OSV range semantics, exactly: does a version fall in an affected package's ranges or
 * versions list, and which fixed version ends the range that holds it.
 * @see https://ossf.github.io/osv-schema/#evaluation
 */
import type { AffectedPackage, AffectedRange, RangeEvent } from '../model/advisory.js';
import type { VersionScheme } from '../versions/scheme.js';

export type RangeVerdict =
  | { affected: false }
  | {
      affected: true;
      /** The fixed version that ends the range holding the version, when there is one. */
      fixed?: string;
      /** The range or list entry that holds the version, for the finding's evidence. */
      evidence: string;
    };

type Event = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

function eventOf(event: RangeEvent): Event {
  if ('introduced' in event) return { kind: 'introduced', version: event.introduced };
  if ('fixed' in event) return { kind: 'fixed', version: event.fixed };
  if ('last_affected' in event) return { kind: 'last_affected', version: event.last_affected };
  return { kind: 'limit', version: event.limit };
}

function describe(events: readonly Event[]): string {
  return events.map((e) => `${e.kind} ${e.version}`).join(', ');
}

/** "0" is OSV's "every version"; it sorts before everything and compares below any version. */
function compareEventVersions(scheme: VersionScheme, a: string, b: string): number {
  return a === b ? 0 : a === '0' ? -1 : b === '0' ? 1 : scheme.compare(a, b);
}

/**
 * What evaluating a range against any version shares, worked out on its first evaluation with a
 * scheme: its limits, its other events sorted (or the error sorting them threw, thrown again
 * every time, as sorting afresh would), and its evidence text.
 */
interface PreparedRange {
  scheme: VersionScheme;
  limits: readonly Event[];
  sorted?: readonly Event[];
  sortError?: unknown;
  evidence: string;
}
const prepared = new WeakMap<AffectedRange, PreparedRange>();

function prepareRange(range: AffectedRange, scheme: VersionScheme): PreparedRange {
  const known = prepared.get(range);
  if (known && known.scheme === scheme) return known;
  const events = range.events.map(eventOf);
  const fresh: PreparedRange = {
    scheme,
    limits: events.filter((e) => e.kind === 'limit'),
    evidence: `${range.type} range: ${describe(events)}`,
  };
  prepared.set(range, fresh);
  return fresh;
}

const notAffected: RangeVerdict = Object.freeze({ affected: false });

/**
 * Evaluates one SEMVER or ECOSYSTEM range. Events are sorted by version ("0" first), then walked:
 * an introduced at or below the version opens the range, a fixed at or below it or a
 * last_affected below it closes it. Limits cap the range from above.
 */
export function evaluateRange(range: AffectedRange, version: string, scheme: VersionScheme): RangeVerdict {
  const ready = prepareRange(range, scheme);
  const { limits } = ready;
  if (limits.length > 0 && !limits.some((limit) => limit.version === '*' || compareEventVersions(scheme, version, limit.version) < 0)) {
    return notAffected;
  }
  if (ready.sortError !== undefined) throw ready.sortError;
  let sorted = ready.sorted;
  if (!sorted) {
    try {
      sorted = range.events
        .map(eventOf)
        .filter((e) => e.kind !== 'limit')
        .sort((a, b) => compareEventVersions(scheme, a.version, b.version));
    } catch (error) {
      ready.sortError = error;
      throw error;
    }
    ready.sorted = sorted;
  }
  let affected = false;
  let openedAt = -1;
  for (let i = 0; i < sorted.length; i++) {
    const event = sorted[i]!;
    if (event.kind === 'introduced' && compareEventVersions(scheme, event.version, version) <= 0) {
      affected = true;
      openedAt = i;
    } else if (event.kind === 'fixed' && compareEventVersions(scheme, event.version, version) <= 0) {
      affected = false;
    } else if (event.kind === 'last_affected' && compareEventVersions(scheme, event.version, version) < 0) {
      affected = false;
    }
  }
  if (!affected) return notAffected;
  // The range holding the version ends at the next fixed (or last_affected) event above it.
  let closing: Event | undefined;
  for (let i = openedAt + 1; i < sorted.length; i++) {
    const e = sorted[i]!;
    if ((e.kind === 'fixed' || e.kind === 'last_affected') && !(compareEventVersions(scheme, e.version, version) <= 0)) {
      closing = e;
      break;
    }
  }
  const evidence = ready.evidence;
  return closing?.kind === 'fixed' ? { affected: true, fixed: closing.version, evidence } : { affected: true, evidence };
}

/** Comparisons remembered, per scheme: at most this many before they are forgotten all at once. */
const COMPARISONS_KEPT = 200_000;
const remembering = new WeakMap<VersionScheme, VersionScheme>();

/**
 * The scheme, with `compare` remembered: ranges compare the same few versions again and again,
 * and each comparison parses both. Nested maps keyed by the version strings themselves, so a
 * lookup never builds a key. Comparisons that throw are not remembered: they throw every time.
 */
export function rememberingComparisons<T>(scheme: VersionScheme<T>): VersionScheme<T> {
  const known = remembering.get(scheme as VersionScheme);
  if (known) return known as VersionScheme<T>;
  let results = new Map<string, Map<string, number>>();
  let size = 0;
  const compare = (a: string, b: string): number => {
    let row = results.get(a);
    const cached = row?.get(b);
    if (cached !== undefined) return cached;
    const order = scheme.compare(a, b);
    if (size >= COMPARISONS_KEPT) {
      results = new Map();
      size = 0;
      row = undefined;
    }
    if (!row) results.set(a, (row = new Map()));
    row.set(b, order);
    size++;
    return order;
  };
  const wrapped: VersionScheme<T> = { name: scheme.name, ecosystems: scheme.ecosystems, parse: (v) => scheme.parse(v), compare, validate: (v) => scheme.validate(v) };
  remembering.set(scheme as VersionScheme, wrapped as VersionScheme);
  return wrapped;
}

interface Schemes {
  /** The ecosystem's own ordering, for ECOSYSTEM ranges and versions lists. */
  ecosystem: VersionScheme;
  /** SemVer 2.0 ordering (Go's, for Go), for SEMVER ranges. */
  semver: VersionScheme;
}

/** Whether a listed version equals the version (a listed version the scheme cannot compare does not). */
function isListed(affected: AffectedPackage, version: string, schemes: Schemes): boolean {
  return affected.versions.some((listedVersion) => {
    if (listedVersion === version) return true;
    try {
      return schemes.ecosystem.compare(listedVersion, version) === 0;
    } catch {
      return false;
    }
  });
}

function verdicts(affected: AffectedPackage, version: string, schemes: Schemes): Array<Extract<RangeVerdict, { affected: true }>> {
  const found: Array<Extract<RangeVerdict, { affected: true }>> = [];
  if (affected.versions.length > 0 && isListed(affected, version, schemes)) found.push({ affected: true, evidence: `listed version ${version}` });
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const verdict = evaluateRange(range, version, range.type === 'SEMVER' ? schemes.semver : schemes.ecosystem);
    if (verdict.affected) found.push(verdict);
  }
  return found;
}

/** Whether anything holds the version: `verdicts(…).length > 0`, with the same comparisons, keeping nothing. */
function holds(affected: AffectedPackage, version: string, schemes: Schemes): boolean {
  let held = affected.versions.length > 0 && isListed(affected, version, schemes);
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    if (evaluateRange(range, version, range.type === 'SEMVER' ? schemes.semver : schemes.ecosystem).affected) held = true;
  }
  return held;
}

/**
 * Evaluates an affected package: its explicit versions list, then each SEMVER or ECOSYSTEM range
 * (GIT ranges name commits, not package versions, and never match a package). The fixed version
 * reported is the lowest fix above the installed version that no range or listed version still
 * holds: with overlapping ranges the first fix may not be enough.
 */
export function evaluateAffected(affected: AffectedPackage, version: string, schemes: Schemes): RangeVerdict {
  const holding = verdicts(affected, version, schemes);
  if (holding.length === 0) return notAffected;
  const evidence = holding.length === 1 ? holding[0]!.evidence : holding.map((v) => v.evidence).join('; ');
  // Every fixed event above the installed version is a candidate, not only those of the ranges
  // holding it: a fix can land inside another range. (Each once, in the order first seen.)
  const fixes: string[] = [];
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const scheme = range.type === 'SEMVER' ? schemes.semver : schemes.ecosystem;
    for (const event of range.events) {
      if ('fixed' in event && scheme.compare(event.fixed, version) > 0 && !fixes.includes(event.fixed)) fixes.push(event.fixed);
    }
  }
  if (fixes.length > 1) fixes.sort((a, b) => schemes.ecosystem.compare(a, b));
  let fixed: string | undefined;
  for (const candidate of fixes) {
    if (!holds(affected, candidate, schemes)) {
      fixed = candidate;
      break;
    }
  }
  return fixed ? { affected: true, fixed, evidence } : { affected: true, evidence };
}
