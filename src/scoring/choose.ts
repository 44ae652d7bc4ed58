/**
 * @module Chooses the one score and severity a finding shows, from every score its advisory, its
 * affected package and NVD give, and lists all of them.
 *
 * The order:
 * 1. For an OS package, the distribution's own view: a CVSS vector in the affected package's
 *    severity entries; else a textual rating there (e.g. type "Ubuntu", score "medium"), or in the
 *    advisory's own non-CVSS entries (an OS package is matched by the distribution's advisory);
 *    else `distroRating` (the distribution's priority, from its tracker). A rating has no number.
 * 2. A CVSS vector, by version tier — 3.x (3.1 before 3.0), then 4.0, then 2.0 — and within a
 *    tier the advisory's own vectors before NVD's, NVD's Primary before its Secondary metrics.
 *    Every score is recomputed from its vector; an unparseable vector is listed nowhere and skipped.
 * 3. The advisory database's textual rating (GHSA's database_specific.severity).
 * 4. Nothing: UNTRIAGED.
 * v3.x outranks 4.0 because almost every source still publishes 3.x and Inspector scores by it;
 * a 4.0-only advisory still gets its score.
 */
import type { CvssMetric, SeverityEntry } from '../model/advisory.js';
import { parseCvss, type CvssVersion, type ParsedCvss } from './cvss.js';
import { severityFromScore, severityFromText, type Severity } from './severity.js';

export interface ScoreInput {
  osPackage: boolean;
  /** The advisory's top-level severity entries. */
  advisorySeverity: SeverityEntry[];
  /** The matched affected package's severity entries. */
  affectedSeverity: SeverityEntry[];
  /** NVD's metrics for the advisory's CVE, when known. */
  nvd?: CvssMetric[];
  /** The advisory database's textual rating (GHSA: LOW/MODERATE/HIGH/CRITICAL). */
  databaseSeverity?: string;
  /** The distribution's own textual rating for this CVE (Debian's urgency, Ubuntu's priority). */
  distroRating?: string;
  /** Names the distribution in `scoreSource` ("debian"); "distro" when not given. */
  distro?: string;
  /** Names the advisory database in `scoreSource` ("ghsa", "go"); "osv" when not given. */
  advisorySource?: string;
}

export interface KnownCvss {
  version: CvssVersion;
  vector: string;
  baseScore: number;
  /** "osv" (the advisory), "<distro>" (its affected package), or NVD's metric source. */
  source: string;
}

export interface ChosenScore {
  severity: Severity;
  score?: number;
  /** Which source and version decided: "osv:CVSS_V3.1", "nvd@nist.gov:CVSS_V3.1", "debian", "ghsa:database_specific". */
  scoreSource: string;
  cvss: KnownCvss[];
}

const CVSS_TYPES = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);

/** Lower is preferred: 3.1, 3.0, 4.0, 2.0. */
const VERSION_RANK: Record<CvssVersion, number> = { '3.1': 0, '3.0': 1, '4.0': 2, '2.0': 3 };
function tierOf(version: CvssVersion): number {
  return version === '3.1' || version === '3.0' ? 0 : version === '4.0' ? 1 : 2;
}

interface Candidate {
  parsed: ParsedCvss;
  source: string;
  /** 0 the advisory's own, 1 NVD Primary, 2 NVD Secondary or untyped. */
  sourceRank: number;
}

function vectorsOf(entries: SeverityEntry[]): ParsedCvss[] {
  return entries.filter((entry) => CVSS_TYPES.has(entry.type)).flatMap((entry) => parseCvss(entry.score) ?? []);
}

function best(candidates: Candidate[]): Candidate | undefined {
  return [...candidates].sort(
    (a, b) =>
      tierOf(a.parsed.version) - tierOf(b.parsed.version) ||
      a.sourceRank - b.sourceRank ||
      VERSION_RANK[a.parsed.version] - VERSION_RANK[b.parsed.version],
  )[0];
}

function label(source: string, version: CvssVersion): string {
  return `${source}:CVSS_V${version}`;
}

export function chooseScore(input: ScoreInput): ChosenScore {
  const distro = input.distro?.trim().toLowerCase() || 'distro';
  const advisorySource = input.advisorySource?.trim().toLowerCase() || 'osv';

  const affected: Candidate[] = vectorsOf(input.affectedSeverity ?? []).map((parsed) => ({ parsed, source: distro, sourceRank: 0 }));
  const advisory: Candidate[] = vectorsOf(input.advisorySeverity ?? []).map((parsed) => ({ parsed, source: advisorySource, sourceRank: 0 }));
  const nvd: Candidate[] = (input.nvd ?? []).flatMap((metric) => {
    const parsed = parseCvss(metric.vector);
    if (!parsed) return [];
    return [{ parsed, source: metric.source || 'nvd', sourceRank: metric.type === 'Primary' ? 1 : 2 }];
  });

  const seen = new Set<string>();
  const cvss: KnownCvss[] = [];
  for (const candidate of [...affected, ...advisory, ...nvd]) {
    const key = `${candidate.source}\u0000${candidate.parsed.vector}`;
    if (seen.has(key)) continue;
    seen.add(key);
    cvss.push({ ...candidate.parsed, source: candidate.source });
  }

  const fromVector = (candidate: Candidate): ChosenScore => ({
    severity: severityFromScore(candidate.parsed.baseScore),
    score: candidate.parsed.baseScore,
    scoreSource: label(candidate.source, candidate.parsed.version),
    cvss,
  });

  if (input.osPackage) {
    const own = best(affected);
    if (own) return fromVector(own);
    const ratings = [...(input.affectedSeverity ?? []), ...(input.advisorySeverity ?? [])].filter((entry) => !CVSS_TYPES.has(entry.type));
    for (const entry of ratings) {
      const severity = severityFromText(entry.score);
      if (severity && severity !== 'UNTRIAGED') return { severity, scoreSource: entry.type.trim().toLowerCase() || distro, cvss };
    }
    const rating = input.distroRating !== undefined ? severityFromText(input.distroRating) : undefined;
    if (rating && rating !== 'UNTRIAGED') return { severity: rating, scoreSource: distro, cvss };
  }

  const chosen = best([...affected, ...advisory, ...nvd]);
  if (chosen) return fromVector(chosen);

  const database = input.databaseSeverity !== undefined ? severityFromText(input.databaseSeverity) : undefined;
  if (database) return { severity: database, scoreSource: `${advisorySource}:database_specific`, cvss };

  return { severity: 'UNTRIAGED', scoreSource: 'none', cvss };
}
