/**
 * @module Matches → findings: one per (vulnerability, package, location), with advisories that
 * alias each other merged (a GHSA and a CVE for one flaw are one finding whose id is the CVE),
 * scored, enriched with KEV and EPSS, and given the nearest fix and the command that applies it.
 */
import type { SeverityEntry } from '../model/advisory.js';
import type { Distro } from '../model/distro.js';
import type { Finding, FixAvailable, MatchEvidence } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { chooseScore, type ScoreInput } from '../scoring/choose.js';
import { remediationCommand, type RemediationInput } from '../scoring/remediation.js';
import { schemeFor } from '../versions/index.js';
import type { AdvisoryRecord, CveContext, VulnDbReader } from '../vulndb/reader.js';
import type { PackageMatch } from './match-inventory.js';

/** CVE ids first (the name every tool shares), then the rest alphabetically: the first of them in that order. */
function preferredId(ids: readonly string[]): string {
  let best = ids[0]!;
  let bestIsCve = best.startsWith('CVE-');
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i]!;
    const isCve = id.startsWith('CVE-');
    if ((isCve && !bestIsCve) || (isCve === bestIsCve && id < best)) {
      best = id;
      bestIsCve = isCve;
    }
  }
  return best;
}

/** Groups a package's matches into flaws: advisories connected through ids or aliases. */
function groupByFlaw(matches: readonly PackageMatch[]): PackageMatch[][] {
  if (matches.length === 1) return [[matches[0]!]];
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    parent.set(id, root);
    return root;
  };
  for (let i = 0; i < matches.length; i++) {
    const { id, aliases } = matches[i]!.advisory;
    find(id);
    for (let j = 0; j < aliases.length; j++) {
      const ra = find(id);
      const rb = find(aliases[j]!);
      if (ra !== rb) parent.set(ra, rb);
    }
  }
  const groups = new Map<string, PackageMatch[]>();
  for (let i = 0; i < matches.length; i++) {
    const match = matches[i]!;
    const root = find(match.advisory.id);
    const group = groups.get(root);
    if (group) group.push(match);
    else groups.set(root, [match]);
  }
  return [...groups.values()];
}

/** The alphabetically first CVE id. */
function firstCve(ids: readonly string[]): string | undefined {
  let first: string | undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id.startsWith('CVE-') && (first === undefined || id < first)) first = id;
  }
  return first;
}

const databaseNames = new Map(
  Object.entries({ GHSA: 'ghsa', GO: 'go', PYSEC: 'pysec', RUSTSEC: 'rustsec', DSA: 'debian', DLA: 'debian', DTSA: 'debian', USN: 'ubuntu', ALSA: 'almalinux', RLSA: 'rocky', RHSA: 'redhat', CVE: 'osv' }),
);

/** The database an advisory id comes from, by its prefix (capital letters, then "-"), to name it in a score's source. */
function advisoryDatabase(id: string): string {
  let end = 0;
  while (end < id.length) {
    const code = id.charCodeAt(end);
    if (code < 65 || code > 90) break;
    end++;
  }
  return (end > 0 && id.charCodeAt(end) === 45 ? databaseNames.get(id.slice(0, end)) : undefined) ?? 'osv';
}

/**
 * Strings sorted in place as `Array.prototype.sort` sorts them by default (by UTF-16 code units,
 * a total order, so any sort gives the same list): a short list by insertion, in place.
 */
function inCodeUnitOrder(list: string[]): string[] {
  if (list.length > 16) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let at = i;
    while (at > 0 && item < list[at - 1]!) {
      list[at] = list[at - 1]!;
      at--;
    }
    list[at] = item;
  }
  return list;
}

/** The first line of a text, at most 200 characters of it. */
function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 200);
}

/** A flaw's matches, with the ids its advisories give it. */
export interface Flaw {
  group: PackageMatch[];
  advisories: AdvisoryRecord[];
  /** Every id and alias of its advisories, each once, in the order first seen. */
  ids: string[];
  cveId: string | undefined;
}

function flawOf(group: PackageMatch[]): Flaw {
  // (By id, in first-seen order, each the last match's record: as a Map of them gives it.)
  const advisories = group.length === 1 ? [group[0]!.advisory] : [...new Map(group.map((m) => [m.advisory.id, m.advisory])).values()];
  const ids: string[] = [];
  for (let i = 0; i < advisories.length; i++) {
    const { id, aliases } = advisories[i]!;
    if (!ids.includes(id)) ids.push(id);
    for (let j = 0; j < aliases.length; j++) if (!ids.includes(aliases[j]!)) ids.push(aliases[j]!);
  }
  return { group, advisories, ids, cveId: firstCve(ids) };
}

function buildFinding({ group, advisories, ids, cveId }: Flaw, context: CveContext | undefined, distro: Distro | undefined): Finding {
  const first = group[0]!;
  const pkg = first.package;
  const vulnerabilityId = preferredId(ids);
  const { cve, kev, epss } = cveId && context ? context : ({} as CveContext);
  // (One advisory and one match, mostly: their own lists, which scoring only reads.)
  const advisorySeverity: SeverityEntry[] = advisories.length === 1 ? advisories[0]!.severity : advisories.flatMap((a) => a.severity);
  const affectedSeverity: SeverityEntry[] = group.length === 1 ? first.affected.severity : group.flatMap((m) => m.affected.severity);
  const rated = advisories.find((a) => a.databaseSeverity) ?? advisories[0]!;
  const databaseSeverity = rated.databaseSeverity;
  const input: ScoreInput = { osPackage: first.osPackage, advisorySource: advisoryDatabase(rated.id), advisorySeverity, affectedSeverity };
  if (first.osPackage && distro) input.distro = distro.id;
  if (cve) input.nvd = cve.cvss;
  if (databaseSeverity) input.databaseSeverity = databaseSeverity;
  const scored = chooseScore(input);
  // Every advisory of the flaw must be left behind: the highest of their nearest fixes.
  const scheme = schemeFor(first.ecosystem);
  let fixedInVersion: string | undefined;
  if (scheme) {
    if (group.length === 1) fixedInVersion = first.fixed;
    else {
      const fixes = group.map((m) => m.fixed);
      fixedInVersion = fixes.some((f) => f === undefined) ? undefined : fixes.sort((a, b) => scheme.compare(a!, b!)).at(-1);
    }
  }
  let title = advisories.find((a) => a.summary)?.summary;
  if (title === undefined) {
    const text = cve?.description ?? advisories[0]!.details;
    title = typeof text === 'string' ? firstLine(text) : vulnerabilityId;
  }
  const urls = new Set<string>();
  for (let i = 0; i < advisories.length; i++) {
    const { references } = advisories[i]!;
    for (let j = 0; j < references.length; j++) urls.add(references[j]!.url);
  }
  if (cve) for (let j = 0; j < cve.references.length; j++) urls.add(cve.references[j]!.url);
  const references = Array.from(urls);
  let remediation: string | undefined;
  if (fixedInVersion) {
    const wanted: RemediationInput = { type: pkg.type, name: pkg.name, fixedVersion: fixedInVersion };
    if (pkg.ecosystem) wanted.ecosystem = pkg.ecosystem;
    if (first.osPackage && distro) {
      wanted.distroId = distro.id;
      if (distro.versionId) wanted.distroVersion = distro.versionId;
    }
    remediation = remediationCommand(wanted);
  }
  const aliases: string[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] !== vulnerabilityId) aliases.push(ids[i]!);
  const evidence: MatchEvidence[] = [];
  for (let i = 0; i < group.length; i++) {
    const m = group[i]!;
    evidence.push({ advisoryId: m.advisory.id, ecosystem: m.ecosystem, name: m.name, version: m.version, range: m.evidence });
  }
  return {
    vulnerabilityId,
    aliases: inCodeUnitOrder(aliases),
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
    evidence,
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
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i]!;
    const states = fixStates.get(finding.vulnerabilityId);
    if (states) states.add(finding.fixAvailable);
    else fixStates.set(finding.vulnerabilityId, new Set([finding.fixAvailable]));
  }
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i]!;
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

