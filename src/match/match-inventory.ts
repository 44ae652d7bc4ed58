/**
 * @module Inventory × vulnerability database → matches. Every package is looked up only in its
 * own ecosystem (a distribution release, or a language ecosystem), under the names that
 * ecosystem's advisories use, and compared with that ecosystem's version ordering. Nothing is
 * matched by product-name guessing; a version that cannot be compared is reported, never
 * silently matched or dropped.
 */
import type { Advisory, AffectedPackage } from '../model/advisory.js';
import type { Distro } from '../model/distro.js';
import { ecosystemBase } from '../model/ecosystem.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { describeError } from '../errors.js';
import { schemeFor } from '../versions/index.js';
import type { VersionScheme } from '../versions/scheme.js';
import type { AffectedCandidate, VulnDbReader } from '../vulndb/reader.js';
import { candidateSource } from './candidate-source.js';
import { distroMatcherFor, type DistroMatcher, type EcosystemQuery } from './distro/index.js';
import { evaluateAffected } from './range.js';

export interface PackageMatch {
  package: Package;
  /** The ecosystem the advisory files the package under ("Debian:12", "npm"). */
  ecosystem: string;
  /** The name and version compared (a source package's, for most distributions). */
  name: string;
  version: string;
  advisory: Advisory;
  affected: AffectedPackage;
  fixed?: string;
  evidence: string;
  osPackage: boolean;
}

export interface MatchResult {
  matches: PackageMatch[];
  warnings: Warning[];
}

interface LookupPlan {
  queries: EcosystemQuery[];
  names: string[];
  version: string;
  osPackage: boolean;
}

const osPackageTypes = new Set(['deb', 'apk', 'rpm']);
const semverScheme = schemeFor('npm')!;
const goScheme = schemeFor('Go')!;

function planFor(
  pkg: Package,
  distro: Distro | undefined,
  warn: (key: string, warning: Warning) => void,
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

/**
 * Outcomes by candidate, then by schemes and version. A reader's candidates are read once and
 * kept while in use, and the service scans the same package versions over and over: each
 * (candidate, version) is evaluated once.
 */
const outcomeCache = new WeakMap<AffectedCandidate, Map<string, readonly EntryOutcome[]>>();

function evaluateCandidate(candidate: AffectedCandidate, version: string, schemes: Schemes): readonly EntryOutcome[] {
  let byVersion = outcomeCache.get(candidate);
  if (!byVersion) outcomeCache.set(candidate, (byVersion = new Map()));
  const key = `${schemes.ecosystem.name}\u0000${schemes.semver.name}\u0000${version}`;
  const cached = byVersion.get(key);
  if (cached) return cached;
  const outcomes: EntryOutcome[] = [];
  for (const affected of candidate.entries) {
    try {
      const verdict = evaluateAffected(affected, version, schemes);
      if (verdict.affected) outcomes.push({ affected, ...(verdict.fixed ? { fixed: verdict.fixed } : {}), evidence: verdict.evidence });
    } catch (error) {
      outcomes.push({ error: describeError(error) });
    }
  }
  byVersion.set(key, outcomes);
  return outcomes;
}

interface Schemes {
  ecosystem: VersionScheme;
  semver: VersionScheme;
}

interface PlannedPackage {
  pkg: Package;
  plan: LookupPlan | undefined;
  /** The warnings its plan gave, in order. */
  warnings: Warning[];
}

/** A match before its advisory's whole record is read. */
type PendingMatch = Omit<PackageMatch, 'advisory'> & { advisoryId: string };

export function matchInventory(inventory: Inventory, reader: VulnDbReader): MatchResult {
  const warned = new Set<string>();
  // One list of queries per distribution matcher, shared by all its packages.
  const queriesByMatcher = new Map<DistroMatcher, EcosystemQuery[] | undefined>();
  const ecosystemsOf = (matcher: DistroMatcher, distro: Distro) => {
    if (!queriesByMatcher.has(matcher)) queriesByMatcher.set(matcher, matcher.ecosystems(distro));
    return queriesByMatcher.get(matcher);
  };
  const planned: PlannedPackage[] = inventory.packages.map((pkg) => {
    const warnings: Warning[] = [];
    const warn = (key: string, warning: Warning) => {
      if (warned.has(key)) return;
      warned.add(key);
      warnings.push(warning);
    };
    return { pkg, plan: planFor(pkg, inventory.distro, warn, ecosystemsOf), warnings };
  });
  // Every key the inventory looks up is read at once; the loop below runs on values in memory.
  const source = candidateSource(
    reader,
    planned.flatMap(({ plan }) => (plan ? plan.queries.map((query) => ({ query, names: plan.names })) : [])),
  );

  const pending: PendingMatch[] = [];
  const warnings: Warning[] = [];
  for (const { pkg, plan, warnings: planWarnings } of planned) {
    warnings.push(...planWarnings);
    if (!plan) continue;
    for (const query of plan.queries) {
      const scheme = schemeFor(query.ecosystem);
      if (!scheme) {
        const key = `no-scheme:${ecosystemBase(query.ecosystem)}`;
        if (!warned.has(key)) {
          warned.add(key);
          warnings.push({
            code: 'ECOSYSTEM_UNSUPPORTED',
            message: `${ecosystemBase(query.ecosystem)} packages are not matched: Vigil has no version ordering for that ecosystem`,
          });
        }
        continue;
      }
      if (!scheme.validate(plan.version)) {
        warnings.push({
          code: 'VERSION_UNPARSEABLE',
          message: `${pkg.name} ${plan.version} (${pkg.purl}) was not matched: "${plan.version}" is not a valid ${scheme.name} version`,
          path: pkg.locations[0]?.path,
        });
        continue;
      }
      const schemes = { ecosystem: scheme, semver: ecosystemBase(query.ecosystem) === 'Go' ? goScheme : semverScheme };
      for (const name of plan.names) {
        const seen = new Set<string>();
        for (const candidate of source.lookup(query, name)) {
          if (seen.has(candidate.advisoryId)) continue;
          seen.add(candidate.advisoryId);
          for (const outcome of evaluateCandidate(candidate, plan.version, schemes)) {
            if ('error' in outcome) {
              warnings.push({
                code: 'ADVISORY_UNEVALUABLE',
                message: `${candidate.advisoryId} could not be evaluated for ${pkg.name} ${plan.version}: ${outcome.error}`,
              });
              continue;
            }
            pending.push({
              package: pkg,
              ecosystem: candidate.ecosystem,
              name,
              version: plan.version,
              advisoryId: candidate.advisoryId,
              affected: outcome.affected,
              ...(outcome.fixed ? { fixed: outcome.fixed } : {}),
              evidence: outcome.evidence,
              osPackage: plan.osPackage,
            });
          }
        }
      }
    }
  }
  // Only the advisories that apply are read whole, all at once.
  const advisories = source.advisories(pending.map((match) => match.advisoryId));
  const matches: PackageMatch[] = [];
  for (const { advisoryId, ...match } of pending) {
    const advisory = advisories.get(advisoryId);
    if (advisory) matches.push({ ...match, advisory });
  }
  return { matches, warnings };
}
