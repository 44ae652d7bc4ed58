/**
 * @module Inventory × vulnerability database → matches. Every package is looked up only in its
 * own ecosystem (a distribution release, or a language ecosystem), under the names that
 * ecosystem's advisories use, and compared with that ecosystem's version ordering. Nothing is
 * matched by product-name guessing; a version that cannot be compared is reported, never
 * silently matched or dropped.
 */
import type { AffectedPackage } from '../model/advisory.js';
import type { Distro } from '../model/distro.js';
import { ecosystemBase } from '../model/ecosystem.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { describeError } from '../errors.js';
import { schemeFor } from '../versions/index.js';
import type { VersionScheme } from '../versions/scheme.js';
import type { AdvisoryRecord, AffectedCandidate, VulnDbReader } from '../vulndb/reader.js';
import { candidateSource, type WantedLookup } from './candidate-source.js';
import { distroMatcherFor, type DistroMatcher, type EcosystemQuery } from './distro/index.js';
import { evaluateAffected, rememberingComparisons } from './range.js';

export interface PackageMatch {
  package: Package;
  /** The ecosystem the advisory files the package under ("Debian:12", "npm"). */
  ecosystem: string;
  /** The name and version compared (a source package's, for most distributions). */
  name: string;
  version: string;
  advisory: AdvisoryRecord;
  affected: AffectedPackage;
  fixed?: string;
  evidence: string;
  osPackage: boolean;
}

export interface MatchResult {
  matches: PackageMatch[];
  warnings: Warning[];
}

/** The warnings of a package that has none (shared: never added to). */
const noWarnings: readonly PackageWarning[] = Object.freeze([]);

/** Which (ecosystem, name) pairs a package is looked up under, and the version compared. */
export interface LookupPlan {
  queries: EcosystemQuery[];
  names: string[];
  version: string;
  osPackage: boolean;
}

/**
 * A warning as one package gives it. Those with `once` (a distribution or ecosystem Vigil cannot
 * match) are said once per inventory, for the first package that gives them.
 */
export interface PackageWarning {
  once?: string;
  warning: Warning;
}

export interface PlannedPackage {
  pkg: Package;
  plan: LookupPlan | undefined;
  /** The warnings of planning it, in order. */
  warnings: readonly PackageWarning[];
}

/** What matching found for one planned package: its matches, and its warnings in order. */
export interface PackageMatches {
  readonly matches: readonly PackageMatch[];
  readonly warnings: readonly PackageWarning[];
}

const osPackageTypes = new Set(['deb', 'apk', 'rpm']);
const semverScheme = rememberingComparisons(schemeFor('npm')!);
const goScheme = rememberingComparisons(schemeFor('Go')!);

function planFor(
  pkg: Package,
  distro: Distro | undefined,
  warn: (once: string, warning: Warning) => void,
  ecosystemsOf: (matcher: DistroMatcher, distro: Distro) => EcosystemQuery[] | undefined,
): LookupPlan | undefined {
  if (osPackageTypes.has(pkg.type)) {
    const matcher = distroMatcherFor(distro, pkg.type);
    if (!matcher) {
      const name = distro ? `${distro.id}${distro.versionId ? ` ${distro.versionId}` : ''}` : 'an unknown distribution';
      warn(`no-distro:${pkg.type}`, {
        code: 'DISTRO_UNSUPPORTED',
        message: `${pkg.type} packages of ${name} are not matched: Vigil has no advisory source for that distribution`,
      });
      return undefined;
    }
    const queries = ecosystemsOf(matcher, distro!);
    if (!queries) {
      warn(`no-release:${matcher.name}`, {
        code: 'DISTRO_RELEASE_UNKNOWN',
        message: `${pkg.type} packages are not matched: the ${distro!.id} release is not known (no VERSION_ID in os-release)`,
      });
      return undefined;
    }
    return { queries, names: matcher.names(pkg), version: matcher.version(pkg), osPackage: true };
  }
  if (!pkg.ecosystem) return undefined;
  return { queries: [{ ecosystem: pkg.ecosystem }], names: [pkg.name], version: pkg.version, osPackage: false };
}

/** What evaluating one candidate's entries for one version gave, entry by entry. */
type EntryOutcome = { affected: AffectedPackage; fixed?: string; evidence: string } | { error: string };

interface Schemes {
  ecosystem: VersionScheme;
  semver: VersionScheme;
}

/**
 * What a candidate gave, remembered on the candidate itself (a reader keeps its candidates while
 * in use, and the service scans the same package versions over and over): the outcomes of the
 * first version evaluated, then a map by version once there are more. Only for the schemes it
 * was first evaluated with, which are always the same: they follow from its ecosystem.
 */
interface Remembered {
  schemes: Schemes;
  version: string;
  outcomes: readonly EntryOutcome[];
  more?: Map<string, readonly EntryOutcome[]>;
}
const remembered = Symbol('remembered outcomes');
type RememberingCandidate = AffectedCandidate & { [remembered]?: Remembered };

function evaluateCandidate(candidate: RememberingCandidate, version: string, schemes: Schemes): readonly EntryOutcome[] {
  const memo = candidate[remembered];
  const same = memo !== undefined && memo.schemes.ecosystem === schemes.ecosystem && memo.schemes.semver === schemes.semver;
  if (same) {
    const known = memo.version === version ? memo.outcomes : memo.more?.get(version);
    if (known) return known;
  }
  const outcomes: EntryOutcome[] = [];
  const { entries } = candidate;
  for (let i = 0; i < entries.length; i++) {
    const affected = entries[i]!;
    try {
      const verdict = evaluateAffected(affected, version, schemes);
      if (verdict.affected) outcomes.push(verdict.fixed ? { affected, fixed: verdict.fixed, evidence: verdict.evidence } : { affected, evidence: verdict.evidence });
    } catch (error) {
      outcomes.push({ error: describeError(error) });
    }
  }
  if (memo === undefined) candidate[remembered] = { schemes, version, outcomes };
  else if (same) (memo.more ??= new Map()).set(version, outcomes);
  return outcomes;
}

/** The schemes ranges of an ecosystem are evaluated with: its own, and SemVer (Go's, for Go). One pair per scheme and kind. */
const schemePairs = new Map<VersionScheme, { go?: Schemes; other?: Schemes }>();
function schemesFor(scheme: VersionScheme, ecosystem: string): Schemes {
  let pairs = schemePairs.get(scheme);
  if (!pairs) schemePairs.set(scheme, (pairs = {}));
  return ecosystemBase(ecosystem) === 'Go'
    ? (pairs.go ??= { ecosystem: rememberingComparisons(scheme), semver: goScheme })
    : (pairs.other ??= { ecosystem: rememberingComparisons(scheme), semver: semverScheme });
}

/** Whether a version is valid in a scheme, remembered per scheme: inventories repeat the same versions. */
const validity = new Map<VersionScheme, Map<string, boolean>>();
const VALIDITY_KEPT = 100_000;
function isValidVersion(scheme: VersionScheme, version: string): boolean {
  let known = validity.get(scheme);
  if (known === undefined) validity.set(scheme, (known = new Map()));
  let valid = known.get(version);
  if (valid === undefined) {
    if (known.size >= VALIDITY_KEPT) known.clear();
    known.set(version, (valid = scheme.validate(version)));
  }
  return valid;
}

/** Each package's lookup plan, and the warnings of packages that cannot be matched. */
export function planInventory(inventory: Inventory): PlannedPackage[] {
  // One list of queries per distribution matcher, shared by all its packages.
  const queriesByMatcher = new Map<DistroMatcher, EcosystemQuery[] | undefined>();
  const ecosystemsOf = (matcher: DistroMatcher, distro: Distro) => {
    if (!queriesByMatcher.has(matcher)) queriesByMatcher.set(matcher, matcher.ecosystems(distro));
    return queriesByMatcher.get(matcher);
  };
  let warnings: PackageWarning[] = [];
  const warn = (once: string, warning: Warning) => warnings.push({ once, warning });
  return inventory.packages.map((pkg) => {
    const plan = planFor(pkg, inventory.distro, warn, ecosystemsOf);
    if (warnings.length === 0) return { pkg, plan, warnings: noWarnings };
    const planned = { pkg, plan, warnings };
    warnings = [];
    return planned;
  });
}

/** A match before its advisory's whole record is read. */
interface PendingMatch {
  advisoryId: string;
  /** The package's place in the planned list. */
  at: number;
  pkg: Package;
  plan: LookupPlan;
  ecosystem: string;
  name: string;
  outcome: Extract<EntryOutcome, { affected: AffectedPackage }>;
}

const noMatches: readonly PackageMatch[] = Object.freeze([]);
/** What most packages give (shared: never added to). */
const nothing: PackageMatches = Object.freeze({ matches: noMatches, warnings: noWarnings });

/** A package's warnings with one more: its own list, copied from its plan's at the first. */
function withWarning(warnings: readonly PackageWarning[], fromPlan: readonly PackageWarning[], warning: PackageWarning): readonly PackageWarning[] {
  const own = warnings === fromPlan ? [...fromPlan] : (warnings as PackageWarning[]);
  own.push(warning);
  return own;
}

/**
 * Matches planned packages: every key they look up is read at once, the loop runs on values in
 * memory, and the advisories that apply are read whole at the end, all at once.
 */
export function matchPlanned(planned: readonly PlannedPackage[], reader: VulnDbReader): PackageMatches[] {
  const wanted: WantedLookup[] = [];
  for (let at = 0; at < planned.length; at++) {
    const plan = planned[at]!.plan;
    if (plan) for (let q = 0; q < plan.queries.length; q++) wanted.push({ query: plan.queries[q]!, names: plan.names });
  }
  const source = candidateSource(reader, wanted);
  const pending: PendingMatch[] = [];
  const results: PackageMatches[] = [];
  for (let at = 0; at < planned.length; at++) {
    const { pkg, plan, warnings: fromPlan } = planned[at]!;
    let warnings = fromPlan;
    if (plan) {
      for (let q = 0; q < plan.queries.length; q++) {
        const query = plan.queries[q]!;
        const scheme = schemeFor(query.ecosystem);
        if (!scheme) {
          warnings = withWarning(warnings, fromPlan, {
            once: `no-scheme:${ecosystemBase(query.ecosystem)}`,
            warning: {
              code: 'ECOSYSTEM_UNSUPPORTED',
              message: `${ecosystemBase(query.ecosystem)} packages are not matched: Vigil has no version ordering for that ecosystem`,
            },
          });
          continue;
        }
        if (!isValidVersion(scheme, plan.version)) {
          warnings = withWarning(warnings, fromPlan, {
            warning: {
              code: 'VERSION_UNPARSEABLE',
              message: `${pkg.name} ${plan.version} (${pkg.purl}) was not matched: "${plan.version}" is not a valid ${scheme.name} version`,
              path: pkg.locations[0]?.path,
            },
          });
          continue;
        }
        const schemes = schemesFor(scheme, query.ecosystem);
        for (let n = 0; n < plan.names.length; n++) {
          const name = plan.names[n]!;
          const candidates = source.lookup(query, name);
          // An advisory may name the package under several releases: it is evaluated once.
          const seen = candidates.length > 1 ? new Set<string>() : undefined;
          for (let c = 0; c < candidates.length; c++) {
            const candidate = candidates[c]!;
            if (seen) {
              if (seen.has(candidate.advisoryId)) continue;
              seen.add(candidate.advisoryId);
            }
            const outcomes = evaluateCandidate(candidate, plan.version, schemes);
            for (let o = 0; o < outcomes.length; o++) {
              const outcome = outcomes[o]!;
              if ('error' in outcome) {
                warnings = withWarning(warnings, fromPlan, {
                  warning: {
                    code: 'ADVISORY_UNEVALUABLE',
                    message: `${candidate.advisoryId} could not be evaluated for ${pkg.name} ${plan.version}: ${outcome.error}`,
                  },
                });
                continue;
              }
              pending.push({ advisoryId: candidate.advisoryId, at, pkg, plan, ecosystem: candidate.ecosystem, name, outcome });
            }
          }
        }
      }
    }
    results.push(warnings.length === 0 ? nothing : { matches: noMatches, warnings });
  }
  const advisories = source.advisories(pending.map((match) => match.advisoryId));
  for (let p = 0; p < pending.length; p++) {
    const { advisoryId, at, pkg, plan, ecosystem, name, outcome } = pending[p]!;
    const advisory = advisories.get(advisoryId);
    if (!advisory) continue;
    let result = results[at]!;
    if (result.matches === noMatches) results[at] = result = { matches: [], warnings: result.warnings };
    const { affected, fixed, evidence } = outcome;
    const { version, osPackage } = plan;
    (result.matches as PackageMatch[]).push(
      fixed
        ? { package: pkg, ecosystem, name, version, advisory, affected, fixed, evidence, osPackage }
        : { package: pkg, ecosystem, name, version, advisory, affected, evidence, osPackage },
    );
  }
  return results;
}

/** Says each package's warnings in order, those marked `once` only the first time. */
export function warningsOnce(): (warnings: readonly PackageWarning[], into: Warning[]) => void {
  const said = new Set<string>();
  return (warnings, into) => {
    for (const { once, warning } of warnings) {
      if (once !== undefined) {
        if (said.has(once)) continue;
        said.add(once);
      }
      into.push(warning);
    }
  };
}

export function matchInventory(inventory: Inventory, reader: VulnDbReader): MatchResult {
  const matches: PackageMatch[] = [];
  const warnings: Warning[] = [];
  const say = warningsOnce();
  for (const result of matchPlanned(planInventory(inventory), reader)) {
    say(result.warnings, warnings);
    for (const match of result.matches) matches.push(match);
  }
  return { matches, warnings };
}
