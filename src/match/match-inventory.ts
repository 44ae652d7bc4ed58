/**
 * @module Inventory × vulnerability database → matches. Every package is looked up only in its
 * own ecosystem (a distribution release, or a language ecosystem), under the names that
 * ecosystem's advisories use, and compared with that ecosystem's version ordering. Nothing is
 * matched by product-name guessing; a version that cannot be compared is reported, never
 * silently matched or dropped.
 */
import type { Advisory, AffectedPackage } from '../model/advisory.js';
import type { Distro } from '../model/distro.js';
import { ecosystemBase, normalizePackageName } from '../model/ecosystem.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { describeError } from '../errors.js';
import { schemeFor } from '../versions/index.js';
import type { VersionScheme } from '../versions/scheme.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { distroMatcherFor, type EcosystemQuery } from './distro/index.js';
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

function planFor(pkg: Package, distro: Distro | undefined, warn: (key: string, warning: Warning) => void): LookupPlan | undefined {
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
    const queries = matcher.ecosystems(distro!);
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

function lookup(reader: VulnDbReader, query: EcosystemQuery, name: string): Array<{ ecosystem: string; advisory: Advisory }> {
  if (!query.accept) return reader.advisoriesFor(query.ecosystem, name).map((advisory) => ({ ecosystem: query.ecosystem, advisory }));
  return reader.advisoriesForAnyRelease(query.ecosystem, name).filter((hit) => query.accept!(hit.ecosystem));
}

export function matchInventory(inventory: Inventory, reader: VulnDbReader): MatchResult {
  const matches: PackageMatch[] = [];
  const warnings: Warning[] = [];
  const warned = new Set<string>();
  const warn = (key: string, warning: Warning) => {
    if (warned.has(key)) return;
    warned.add(key);
    warnings.push(warning);
  };
  for (const pkg of inventory.packages) {
    const plan = planFor(pkg, inventory.distro, warn);
    if (!plan) continue;
    for (const query of plan.queries) {
      const scheme = schemeFor(query.ecosystem);
      if (!scheme) {
        warn(`no-scheme:${ecosystemBase(query.ecosystem)}`, {
          code: 'ECOSYSTEM_UNSUPPORTED',
          message: `${ecosystemBase(query.ecosystem)} packages are not matched: Vigil has no version ordering for that ecosystem`,
        });
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
        for (const { ecosystem, advisory } of lookup(reader, query, name)) {
          if (seen.has(advisory.id)) continue;
          seen.add(advisory.id);
          matches.push(...evaluateAdvisory(pkg, plan, ecosystem, name, advisory, schemes, warnings));
        }
      }
    }
  }
  return { matches, warnings };
}

function evaluateAdvisory(
  pkg: Package,
  plan: LookupPlan,
  ecosystem: string,
  name: string,
  advisory: Advisory,
  schemes: { ecosystem: VersionScheme; semver: VersionScheme },
  warnings: Warning[],
): PackageMatch[] {
  const found: PackageMatch[] = [];
  const key = normalizePackageName(ecosystem, name);
  for (const affected of advisory.affected) {
    if (affected.ecosystem !== ecosystem || normalizePackageName(ecosystem, affected.name) !== key) continue;
    try {
      const verdict = evaluateAffected(affected, plan.version, schemes);
      if (!verdict.affected) continue;
      found.push({
        package: pkg,
        ecosystem,
        name,
        version: plan.version,
        advisory,
        affected,
        ...(verdict.fixed ? { fixed: verdict.fixed } : {}),
        evidence: verdict.evidence,
        osPackage: plan.osPackage,
      });
    } catch (error) {
      warnings.push({
        code: 'ADVISORY_UNEVALUABLE',
        message: `${advisory.id} could not be evaluated for ${pkg.name} ${plan.version}: ${describeError(error)}`,
      });
    }
  }
  return found;
}
