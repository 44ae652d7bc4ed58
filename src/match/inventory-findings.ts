/**
 * @module An inventory's findings and warnings, as `matchInventory` then `buildFindings` give
 * them, with each package's part remembered per open reader. The service scans thousands of
 * inventories on one reader, and they share most of their package versions: a package looked up
 * the same way, under the same name and version, gets the same findings (but for its own purl and
 * locations) until the database file changes, which means a new reader.
 */
import type { Finding } from '../model/finding.js';
import { rememberedFinding } from '../model/finding-json.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { PathCache } from '../vulndb/lru-cache.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import type { EcosystemQuery } from './distro/index.js';
import { findingsOfFlaws, flawsOfPackage, settleFindings } from './findings.js';
import { matchPlanned, planInventory, warningsOnce, type PackageWarning, type PlannedPackage } from './match-inventory.js';

/** One package's part: its warnings, and its findings without its purl and locations. */
interface PackagePart {
  warnings: readonly PackageWarning[];
  findings: readonly Finding[];
}

const noFindings: readonly Finding[] = Object.freeze([]);
/** The part of a package with neither findings nor warnings: most of them. */
const emptyPart: PackagePart = Object.freeze({ warnings: Object.freeze([]), findings: noFindings });

const PACKAGES_KEPT = 100_000;
/**
 * Per reader: nothing after its first scan (a one-off `vigil scan` never pays for remembering),
 * then the parts of every later one.
 */
const parts = new WeakMap<VulnDbReader, PathCache<PackagePart> | 'scanned once'>();

function partsOf(reader: VulnDbReader): PathCache<PackagePart> | undefined {
  const cache = parts.get(reader);
  if (cache instanceof PathCache) return cache;
  if (cache === undefined) {
    parts.set(reader, 'scanned once');
    return undefined;
  }
  const created = new PathCache<PackagePart>(PACKAGES_KEPT);
  parts.set(reader, created);
  return created;
}

const SEPARATOR = '\u0000';
/** Starts every OS package's path; no ecosystem (a language package's first part) starts so. */
const OS_PACKAGE = '\u0000os';

/**
 * Everything a package's part depends on besides the database, as a key path: how it is looked up
 * (the release ecosystems an any-release query accepts, resolved), the names and version
 * compared, and what a finding says of the package (type, ecosystem, name, version; the
 * distribution, for an OS package). Undefined for a package that is not looked up.
 *
 * A language package is looked up as itself (its ecosystem, its name, its version): its path is
 * just [ecosystem, type, name, version]. An OS package's starts with what its inventory shares
 * (the distribution and the queries, one string per inventory), then its own parts.
 */
function partPath(planned: PlannedPackage, shared: (queries: readonly EcosystemQuery[]) => string): string[] | undefined {
  const { pkg, plan } = planned;
  if (!plan) return undefined;
  const [query, ...more] = plan.queries;
  if (
    !plan.osPackage &&
    query &&
    more.length === 0 &&
    !query.accept &&
    query.ecosystem === pkg.ecosystem &&
    plan.names.length === 1 &&
    plan.names[0] === pkg.name &&
    plan.version === pkg.version
  ) {
    return [pkg.ecosystem, pkg.type, pkg.name, pkg.version];
  }
  const path = [OS_PACKAGE, `${plan.osPackage}`, shared(plan.queries), pkg.type, pkg.ecosystem ?? ''];
  for (const name of plan.names) path.push(name);
  path.push(SEPARATOR, plan.version, pkg.name, pkg.version);
  return path;
}

/**
 * A copy of a finding for this package: its purl and locations, and arrays of its own (their
 * entries, frozen once remembered, are shared between the scans of one reader). A copy of a
 * remembered finding writes its JSON text mostly from the remembered one's (`findingJson`).
 */
function copyFor(finding: Finding, pkg: Package): Finding {
  return {
    ...finding,
    aliases: [...finding.aliases],
    cvss: [...finding.cvss],
    package: { ...finding.package, purl: pkg.purl, locations: pkg.locations },
    references: [...finding.references],
    evidence: [...finding.evidence],
  };
}

function remember(finding: Finding): Finding {
  for (const entry of finding.cvss) Object.freeze(entry);
  for (const entry of finding.evidence) Object.freeze(entry);
  if (finding.epss) Object.freeze(finding.epss);
  if (finding.kev) Object.freeze(finding.kev);
  // (The finding itself stays private, and unfrozen: copying a frozen object is slower.)
  return rememberedFinding(finding);
}

/** A package's warnings can be remembered unless one names where the package is (its purl or path). */
const rememberable = (warnings: readonly PackageWarning[]) => warnings.every(({ warning }) => warning.code !== 'VERSION_UNPARSEABLE');

export function inventoryFindings(inventory: Inventory, reader: VulnDbReader): { findings: Finding[]; warnings: Warning[] } {
  const distro = inventory.distro;
  const planned = planInventory(inventory);
  const cache = partsOf(reader);
  // What an inventory's OS packages share: the distribution and how they are looked up (an
  // any-release query, "Red Hat" and a release filter, is known by the releases it accepts).
  const sharedKeys = new Map<readonly EcosystemQuery[], string>();
  const shared = (queries: readonly EcosystemQuery[]): string => {
    let key = sharedKeys.get(queries);
    if (key === undefined) {
      const parts = queries.map((query) => (query.accept ? `${query.ecosystem}{${reader.releasesOf(query.ecosystem).filter(query.accept).join('\u0003')}}` : query.ecosystem));
      sharedKeys.set(queries, (key = `${distro?.id ?? ''}\u0001${distro?.versionId ?? ''}\u0002${parts.join('\u0002')}`));
    }
    return key;
  };
  // (A stand-in reader without release listing is asked afresh every time; with nothing
  // remembered, a reader's first scan, every package is matched.)
  const keys = cache && typeof reader.releasesOf === 'function' ? planned.map((p) => partPath(p, shared)) : undefined;
  const known = keys?.map((key) => (key === undefined ? undefined : cache!.get(key)));

  // The packages not remembered are matched together, their findings built together.
  const unknown = known ? planned.filter((_, i) => known[i] === undefined) : planned;
  const matched = unknown.length > 0 ? matchPlanned(unknown, reader) : [];
  const flaws = matched.map((result) => (result.matches.length > 0 ? flawsOfPackage(result.matches) : []));
  const built = flaws.some((list) => list.length > 0) ? findingsOfFlaws(flaws.flat(), reader, distro) : [];
  let next = 0;
  const fresh = matched.map((result, i): PackagePart => {
    if (flaws[i]!.length === 0) return result.warnings.length === 0 ? emptyPart : { warnings: result.warnings, findings: noFindings };
    const findings = built.slice(next, (next += flaws[i]!.length));
    return { warnings: result.warnings, findings };
  });

  const findings: Finding[] = [];
  const warnings: Warning[] = [];
  const say = warningsOnce();
  let unknownAt = 0;
  for (let i = 0; i < planned.length; i++) {
    const { pkg } = planned[i]!;
    let part = known?.[i];
    if (part) {
      for (const finding of part.findings) findings.push(copyFor(finding, pkg));
    } else {
      part = fresh[unknownAt++]!;
      // A new part's findings are this package's own; a copy is remembered, its entries frozen.
      for (let f = 0; f < part.findings.length; f++) findings.push(part.findings[f]!);
      const key = keys?.[i];
      if (key !== undefined && rememberable(part.warnings)) {
        cache!.set(key, part === emptyPart ? emptyPart : { warnings: part.warnings, findings: part.findings.map((finding) => remember(copyFor(finding, pkg))) });
      }
    }
    say(part.warnings, warnings);
  }
  return { findings: settleFindings(findings), warnings };
}

