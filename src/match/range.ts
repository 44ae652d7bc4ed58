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

/** "0" is OSV's "every version"; it sorts before everything and compares below any version. */
function compareEventVersions(scheme: VersionScheme, a: string, b: string): number {
  return a === b ? 0 : a === '0' ? -1 : b === '0' ? 1 : scheme.compare(a, b);
}

/**
 * What evaluating a range shares between the versions one evaluation of an affected package
 * compares (the installed one, then candidate fixes): its limits, its other events (sorted on
 * first need, or the error sorting them threw, thrown again, as sorting afresh would), and its
 * evidence text once it holds a version. Nothing is kept between evaluations.
 */
interface PreparedRange {
  scheme: VersionScheme;
  limits: readonly string[] | undefined;
  events: Event[];
  sorted: boolean;
  sortError?: unknown;
  evidence?: string;
}

function prepareRange(range: AffectedRange, scheme: VersionScheme): PreparedRange {
  let limits: string[] | undefined;
  const events: Event[] = [];
  for (const raw of range.events) {
    const event = eventOf(raw);
    if (event.kind === 'limit') (limits ??= []).push(event.version);
    else events.push(event);
  }
  return { scheme, limits, events, sorted: false };
}

/**
 * Sorts events by version, stably. Records mostly list them in order already: that is seen with
 * the comparisons `Array.prototype.sort` itself begins with (each event against the one before
 * it, until one is lower), so a sorted list costs what sorting it costs, and nothing more.
 */
function sortEvents(events: Event[], scheme: VersionScheme): void {
  for (let i = 1; i < events.length; i++) {
    if (compareEventVersions(scheme, events[i]!.version, events[i - 1]!.version) < 0) {
      events.sort((a, b) => compareEventVersions(scheme, a.version, b.version));
      return;
    }
  }
}

/** "SEMVER range: introduced 0, fixed 1.2.3": every event in the record's order, limits too. */
function evidenceOf(range: AffectedRange): string {
  let text = `${range.type} range: `;
  for (let i = 0; i < range.events.length; i++) {
    const event = eventOf(range.events[i]!);
    text += i === 0 ? `${event.kind} ${event.version}` : `, ${event.kind} ${event.version}`;
  }
  return text;
}

const notAffected: RangeVerdict = Object.freeze({ affected: false });

/**
 * Evaluates one SEMVER or ECOSYSTEM range. Events are sorted by version ("0" first), then walked:
 * an introduced at or below the version opens the range, a fixed at or below it or a
 * last_affected below it closes it. Limits cap the range from above.
 */
export function evaluateRange(range: AffectedRange, version: string, scheme: VersionScheme): RangeVerdict {
  return evaluatePrepared(range, prepareRange(range, scheme), version);
}

function evaluatePrepared(range: AffectedRange, ready: PreparedRange, version: string): RangeVerdict {
  const { limits, scheme } = ready;
  if (limits !== undefined) {
    let below = false;
    for (const limit of limits) {
      if (limit === '*' || compareEventVersions(scheme, version, limit) < 0) {
        below = true;
        break;
      }
    }
    if (!below) return notAffected;
  }
  if (ready.sortError !== undefined) throw ready.sortError;
  const sorted = ready.events;
  if (!ready.sorted) {
    try {
      sortEvents(sorted, scheme);
    } catch (error) {
      ready.sortError = error;
      throw error;
    }
    ready.sorted = true;
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
  const evidence = (ready.evidence ??= evidenceOf(range));
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

/** The range's scheme: SemVer for SEMVER ranges, the ecosystem's own for ECOSYSTEM ranges. */
const schemeOf = (range: AffectedRange, schemes: Schemes): VersionScheme => (range.type === 'SEMVER' ? schemes.semver : schemes.ecosystem);

/** Each range of an affected package prepared on first use, once per evaluation (GIT ranges never are). */
type PreparedRanges = Array<PreparedRange | undefined>;
function preparedAt(ready: PreparedRanges, affected: AffectedPackage, i: number, schemes: Schemes): PreparedRange {
  let prepared = ready[i];
  if (prepared === undefined) {
    const range = affected.ranges[i]!;
    ready[i] = prepared = prepareRange(range, schemeOf(range, schemes));
  }
  return prepared;
}

/** Whether anything holds the version: whether `evaluateAffected` finds it affected, with the same comparisons, keeping nothing. */
function holds(affected: AffectedPackage, version: string, schemes: Schemes, ready: PreparedRanges): boolean {
  let held = affected.versions.length > 0 && isListed(affected, version, schemes);
  for (let i = 0; i < affected.ranges.length; i++) {
    const range = affected.ranges[i]!;
    if (range.type === 'GIT') continue;
    if (evaluatePrepared(range, preparedAt(ready, affected, i, schemes), version).affected) held = true;
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
  const { ranges } = affected;
  const ready: PreparedRanges = new Array<PreparedRange | undefined>(ranges.length);
  // What holds the version, as evidence: the list, then each range holding it, joined by "; ".
  let evidence = affected.versions.length > 0 && isListed(affected, version, schemes) ? `listed version ${version}` : undefined;
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (range.type === 'GIT') continue;
    const verdict = evaluatePrepared(range, preparedAt(ready, affected, i, schemes), version);
    if (verdict.affected) evidence = evidence === undefined ? verdict.evidence : `${evidence}; ${verdict.evidence}`;
  }
  if (evidence === undefined) return notAffected;
  // Every fixed event above the installed version is a candidate, not only those of the ranges
  // holding it: a fix can land inside another range. (Each once, in the order first seen.)
  let fixes: string[] | undefined;
  for (const range of ranges) {
    if (range.type === 'GIT') continue;
    const scheme = schemeOf(range, schemes);
    for (const event of range.events) {
      if ('fixed' in event && scheme.compare(event.fixed, version) > 0) {
        if (fixes === undefined) fixes = [event.fixed];
        else if (!fixes.includes(event.fixed)) fixes.push(event.fixed);
      }
    }
  }
  if (fixes === undefined) return { affected: true, evidence };
  if (fixes.length > 1) fixes.sort((a, b) => schemes.ecosystem.compare(a, b));
  let fixed: string | undefined;
  for (const candidate of fixes) {
    if (!holds(affected, candidate, schemes, ready)) {
      fixed = candidate;
      break;
    }
  }
  return fixed ? { affected: true, fixed, evidence } : { affected: true, evidence };
}
