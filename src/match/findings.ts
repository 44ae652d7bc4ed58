/**
 * @module Matches → findings: one per (vulnerability, package, location), with advisories that
 * alias each other merged (a GHSA and a CVE for one flaw are one finding whose id is the CVE),
 * scored, enriched with KEV and EPSS, and given the nearest fix and the command that applies it.
 */
import type { SeverityEntry } from '../model/advisory.js';
import type { Distro } from '../model/distro.js';
import type { Finding, FixAvailable } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { chooseScore } from '../scoring/choose.js';
import { remediationCommand } from '../scoring/remediation.js';
import { schemeFor } from '../versions/index.js';
import type { AdvisoryRecord, CveContext, VulnDbReader } from '../vulndb/reader.js';
import type { PackageMatch } from './match-inventory.js';

/** CVE ids first (the name every tool shares), then the rest alphabetically: the first of them in that order. */
function preferredId(ids: Iterable<string>): string {
  let best: string | undefined;
  let bestIsCve = false;
  for (const id of ids) {
    const isCve = id.startsWith('CVE-');
    if (best === undefined || (isCve && !bestIsCve) || (isCve === bestIsCve && id < best)) {
      best = id;
      bestIsCve = isCve;
    }
  }
  return best!;
}

/** Groups a package's matches into flaws: advisories connected through ids or aliases. */
function groupByFlaw(matches: readonly PackageMatch[]): PackageMatch[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const match of matches) {
    find(match.advisory.id);
    for (const alias of match.advisory.aliases) union(match.advisory.id, alias);
  }
  const groups = new Map<string, PackageMatch[]>();
  for (const match of matches) {
    const root = find(match.advisory.id);
    let group = groups.get(root);
    if (!group) groups.set(root, (group = []));
    group.push(match);
  }
  return [...groups.values()];
}

/** The alphabetically first CVE id. */
function firstCve(ids: Iterable<string>): string | undefined {
  let first: string | undefined;
  for (const id of ids) if (id.startsWith('CVE-') && (first === undefined || id < first)) first = id;
  return first;
}

const databaseNames = new Map(
  Object.entries({ GHSA: 'ghsa', GO: 'go', PYSEC: 'pysec', RUSTSEC: 'rustsec', DSA: 'debian', DLA: 'debian', DTSA: 'debian', USN: 'ubuntu', ALSA: 'almalinux', RLSA: 'rocky', RHSA: 'redhat', CVE: 'osv' }),
);

/** The database an advisory id comes from, by its prefix, to name it in a score's source. */
function advisoryDatabase(id: string): string {
  const prefix = /^([A-Z]+)-/.exec(id)?.[1] ?? '';
  return databaseNames.get(prefix) ?? 'osv';
}

/** A flaw's matches, with the ids its advisories give it. */
export interface Flaw {
  group: PackageMatch[];
  advisories: AdvisoryRecord[];
  ids: Set<string>;
  cveId: string | undefined;
}

function flawOf(group: PackageMatch[]): Flaw {
  // (By id, in first-seen order, each the last match's record: as a Map of them gives it.)
  const advisories = group.length === 1 ? [group[0]!.advisory] : [...new Map(group.map((m) => [m.advisory.id, m.advisory])).values()];
  const ids = new Set<string>();
  for (const advisory of advisories) {
    ids.add(advisory.id);
    for (const alias of advisory.aliases) ids.add(alias);
  }
  return { group, advisories, ids, cveId: firstCve(ids) };
}

function buildFinding({ group, advisories, ids, cveId }: Flaw, context: CveContext | undefined, distro: Distro | undefined): Finding {
  const first = group[0]!;
  const pkg = first.package;
  const vulnerabilityId = preferredId(ids);
  const { cve, kev, epss } = cveId && context ? context : {};
  const advisorySeverity: SeverityEntry[] = advisories.flatMap((a) => a.severity);
  const affectedSeverity: SeverityEntry[] = group.flatMap((m) => m.affected.severity);
  const rated = advisories.find((a) => a.databaseSeverity) ?? advisories[0]!;
  const databaseSeverity = rated.databaseSeverity;
  const scored = chooseScore({
    osPackage: first.osPackage,
    advisorySource: advisoryDatabase(rated.id),
    ...(first.osPackage && distro ? { distro: distro.id } : {}),
    advisorySeverity,
    affectedSeverity,
    ...(cve ? { nvd: cve.cvss } : {}),
    ...(databaseSeverity ? { databaseSeverity } : {}),
  });
  // Every advisory of the flaw must be left behind: the highest of their nearest fixes.
  const scheme = schemeFor(first.ecosystem);
  const fixes = group.map((m) => m.fixed);
  const fixedInVersion =
    fixes.some((f) => f === undefined) || !scheme ? undefined : fixes.sort((a, b) => scheme.compare(a!, b!)).at(-1);
  const title =
    advisories.find((a) => a.summary)?.summary ?? cve?.description?.split('\n')[0]?.slice(0, 200) ?? advisories[0]!.details?.split('\n')[0]?.slice(0, 200) ?? vulnerabilityId;
  const urls = new Set<string>();
  for (const advisory of advisories) for (const reference of advisory.references) urls.add(reference.url);
  if (cve) for (const reference of cve.references) urls.add(reference.url);
  const references = [...urls];
  const remediation = fixedInVersion
    ? remediationCommand({
        type: pkg.type,
        ...(pkg.ecosystem ? { ecosystem: pkg.ecosystem } : {}),
        name: pkg.name,
        fixedVersion: fixedInVersion,
        ...(first.osPackage && distro ? { distroId: distro.id, ...(distro.versionId ? { distroVersion: distro.versionId } : {}) } : {}),
      })
    : undefined;
  return {
    vulnerabilityId,
    aliases: [...ids].filter((id) => id !== vulnerabilityId).sort(),
    title,
    severity: scored.severity,
    score: scored.score ?? null,
    scoreSource: scored.scoreSource,
    cvss: scored.cvss,
    epss: epss ? { score: epss.score, percentile: epss.percentile } : null,
    kev: kev ? { dateAdded: kev.dateAdded, dueDate: kev.dueDate ?? null, knownRansomwareCampaignUse: kev.knownRansomwareCampaignUse ?? null } : null,
    exploitAvailable: kev ? 'YES' : 'NO',
    fixAvailable: fixedInVersion ? 'YES' : 'NO',
    fixedInVersion: fixedInVersion ?? null,
    remediation: remediation ?? null,
    package: {
      ecosystem: first.ecosystem,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      type: pkg.type,
      locations: pkg.locations,
    },
    references,
    evidence: group.map((m) => ({ advisoryId: m.advisory.id, ecosystem: m.ecosystem, name: m.name, version: m.version, range: m.evidence })),
  };
}

/**
 * A flaw of one package: its matches grouped, with the ids its advisories give it and the CVE
 * whose NVD, KEV and EPSS context it takes.
 */
export function flawsOfPackage(matches: readonly PackageMatch[]): Flaw[] {
  return groupByFlaw(matches).map(flawOf);
}

/** The findings of flaws, with the NVD, KEV and EPSS context of all of them read at once. */
export function findingsOfFlaws(flaws: readonly Flaw[], reader: VulnDbReader, distro: Distro | undefined): Finding[] {
  const contexts = reader.cveContexts(flaws.flatMap((flaw) => (flaw.cveId ? [flaw.cveId] : [])));
  return flaws.map((flaw) => buildFinding(flaw, flaw.cveId ? contexts.get(flaw.cveId) : undefined, distro));
}

/**
 * A target's findings made final: a flaw that affects several packages of the target, some with
 * a fix and some without, is PARTIAL on each of its findings, as Inspector reports it; then the
 * most severe first.
 */
export function settleFindings(findings: Finding[]): Finding[] {
  const fixStates = new Map<string, Set<FixAvailable>>();
  for (const finding of findings) {
    let states = fixStates.get(finding.vulnerabilityId);
    if (!states) fixStates.set(finding.vulnerabilityId, (states = new Set()));
    states.add(finding.fixAvailable);
  }
  for (const finding of findings) {
    if (fixStates.get(finding.vulnerabilityId)!.size > 1) finding.fixAvailable = 'PARTIAL';
  }
  return findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (b.score ?? -1) - (a.score ?? -1) ||
      (a.vulnerabilityId < b.vulnerabilityId ? -1 : a.vulnerabilityId > b.vulnerabilityId ? 1 : 0) ||
      (a.package.purl < b.package.purl ? -1 : a.package.purl > b.package.purl ? 1 : 0),
  );
}

/** Findings for all matches, one per (flaw, package), settled (see settleFindings). */
export function buildFindings(matches: readonly PackageMatch[], reader: VulnDbReader, distro?: Distro): Finding[] {
  const byPackage = new Map<Package, PackageMatch[]>();
  for (const match of matches) {
    let list = byPackage.get(match.package);
    if (!list) byPackage.set(match.package, (list = []));
    list.push(match);
  }
  const flaws = [...byPackage.values()].flatMap(flawsOfPackage);
  return settleFindings(findingsOfFlaws(flaws, reader, distro));
}

const rank = new Map(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED'].map((severity, i) => [severity, i]));
function severityRank(severity: string): number {
  return rank.get(severity) ?? -1;
}

