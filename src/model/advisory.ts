/**
 * @module Vulnerability intelligence, normalised into OSV's shape: every feed becomes these records.
 * @see https://ossf.github.io/osv-schema/
 */

/** A range event, exactly one key set, as OSV writes them. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  events: RangeEvent[];
  /** GIT ranges only. */
  repo?: string;
}

/** A severity as OSV records it: a CVSS vector, or a distribution's own rating ("Ubuntu": "medium"). */
export interface SeverityEntry {
  type: string;
  score: string;
}

export interface AffectedPackage {
  /** OSV ecosystem with its release suffix, as written: "Debian:12", "Alpine:v3.20", "PyPI", "Go". */
  ecosystem: string;
  /** The package name as the advisory spells it (normalisation happens at match time). */
  name: string;
  purl?: string;
  ranges: AffectedRange[];
  /** Explicitly listed affected versions. */
  versions: string[];
  /** Per-package severity (distributions rate the same CVE differently). */
  severity: SeverityEntry[];
  /** The raw ecosystem_specific / database_specific objects, kept for matchers that need them. */
  ecosystemSpecific?: unknown;
  databaseSpecific?: unknown;
}

export interface Reference {
  type: string;
  url: string;
}

export interface Advisory {
  id: string;
  aliases: string[];
  related: string[];
  /** RFC 3339. */
  modified: string;
  published?: string;
  /** Set when the advisory was withdrawn: it must stop matching. */
  withdrawn?: string;
  summary?: string;
  details?: string;
  severity: SeverityEntry[];
  /** A textual severity the database gives when there is no vector (GHSA's database_specific.severity). */
  databaseSeverity?: string;
  affected: AffectedPackage[];
  references: Reference[];
  cwes: string[];
  /** Which feed it came from ("osv", with the file or archive it was read from in `origin`). */
  source: string;
  origin?: string;
}

/** NVD's view of one CVE: enrichment by alias, never matched against packages by product name. */
export interface CveRecord {
  id: string;
  published?: string;
  lastModified?: string;
  status?: string;
  description?: string;
  cvss: CvssMetric[];
  cwes: string[];
  references: Reference[];
}

export interface CvssMetric {
  /** "2.0", "3.0", "3.1" or "4.0". */
  version: string;
  vector: string;
  /** The base score the source states (Vigil recomputes it from the vector). */
  baseScore?: number;
  /** Who scored it: "nvd@nist.gov", a CNA, a distribution. */
  source: string;
  /** NVD's Primary / Secondary. */
  type?: string;
}

/** A CISA Known Exploited Vulnerabilities catalog entry. */
export interface KevEntry {
  cveId: string;
  vendorProject?: string;
  product?: string;
  vulnerabilityName?: string;
  dateAdded: string;
  shortDescription?: string;
  requiredAction?: string;
  dueDate?: string;
  knownRansomwareCampaignUse?: string;
  notes?: string;
  cwes: string[];
}

/** One EPSS score: the probability of exploitation in the next 30 days, and its percentile. */
export interface EpssScore {
  cveId: string;
  score: number;
  percentile: number;
}

/** A record a feed could not use: counted and listed with the reason, never fatal. */
export interface FeedRejection {
  /** The record's id when it has one, else where it was found. */
  id: string;
  reason: string;
}
