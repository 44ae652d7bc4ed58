/**
 * @module What matching produces: one finding per (vulnerability, package, location), explained.
 * The JSON form of `vigil scan` is this shape; see the README for the contract.
 */
import type { Location, PackageType } from './package.js';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNTRIAGED';

export const severities: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED'];

export type FixAvailable = 'YES' | 'NO' | 'PARTIAL';

export interface CvssScore {
  version: string;
  vector: string;
  baseScore: number;
  source: string;
}

/** Why a package matched: the advisory, the ecosystem it was looked up in, and the range that held. */
export interface MatchEvidence {
  advisoryId: string;
  ecosystem: string;
  /** The package name the advisory names (a source package for most distributions). */
  name: string;
  /** The version compared (a source version for most distributions). */
  version: string;
  /** The range or version list that contains it, as text: "introduced 0, fixed 1.2.3". */
  range: string;
}

export interface Finding {
  vulnerabilityId: string;
  aliases: string[];
  title: string;
  severity: Severity;
  score: number | null;
  scoreSource: string;
  cvss: CvssScore[];
  epss: { score: number; percentile: number } | null;
  kev: { dateAdded: string; dueDate: string | null; knownRansomwareCampaignUse: string | null } | null;
  exploitAvailable: 'YES' | 'NO';
  fixAvailable: FixAvailable;
  fixedInVersion: string | null;
  remediation: string | null;
  package: {
    ecosystem: string;
    name: string;
    version: string;
    purl: string;
    type: PackageType;
    locations: Location[];
  };
  references: string[];
  evidence: MatchEvidence[];
}
