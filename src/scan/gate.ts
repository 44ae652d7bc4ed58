/**
 * @module The CI/CD gate: does a scan pass? Like Inspector's Jenkins and TeamCity plugins, it
 * fails on a severity threshold or on counts per severity.
 */
import type { Finding, Severity } from '../model/finding.js';
import { severities } from '../model/finding.js';
import { VigilError } from '../errors.js';
import { severityAtLeast } from '../scoring/severity.js';

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(severities.map((s) => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}


export function parseSeverity(text: string, flag: string): Severity {
  const severity = text.trim().toUpperCase() as Severity;
  if (!severities.includes(severity) || severity === 'UNTRIAGED') {
    throw new VigilError('INVALID_ARGUMENT', `${flag} takes critical, high, medium, low or informational, not "${text}"`);
  }
  return severity;
}

/** "critical=0,high=5" → { CRITICAL: 0, HIGH: 5 } */
export function parseCountThresholds(text: string, flag: string): Partial<SeverityCounts> {
  const thresholds: Partial<SeverityCounts> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)\s*=\s*(\d+)$/i.exec(part);
    if (!match) throw new VigilError('INVALID_ARGUMENT', `${flag} takes severity=count pairs such as critical=0,high=5, not "${part}"`);
    const severity = match[1]!.toUpperCase() as Severity;
    if (!severities.includes(severity)) throw new VigilError('INVALID_ARGUMENT', `${flag}: unknown severity "${match[1]}"`);
    thresholds[severity] = Number(match[2]);
  }
  if (Object.keys(thresholds).length === 0) throw new VigilError('INVALID_ARGUMENT', `${flag} names no threshold`);
  return thresholds;
}

export interface GatePolicy {
  failOn?: Severity;
  failOnCount?: Partial<SeverityCounts>;
}

export interface GateResult {
  passed: boolean;
  /** One line per broken rule, for the summary. */
  reasons: string[];
}

export function evaluateGate(findings: readonly Finding[], policy: GatePolicy): GateResult {
  const reasons: string[] = [];
  if (policy.failOn) {
    // UNTRIAGED sorts below every known severity, so it never trips a severity gate.
    const over = findings.filter((f) => severityAtLeast(f.severity, policy.failOn!));
    if (over.length > 0) reasons.push(`${over.length} finding${over.length === 1 ? '' : 's'} at or above ${policy.failOn}`);
  }
  if (policy.failOnCount) {
    const counts = countBySeverity(findings);
    for (const [severity, limit] of Object.entries(policy.failOnCount) as Array<[Severity, number]>) {
      if (counts[severity] > limit) reasons.push(`${counts[severity]} ${severity} findings, more than ${limit}`);
    }
  }
  return { passed: reasons.length === 0, reasons };
}
