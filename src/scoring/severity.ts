/**
 * @module Vigil's severity levels: from a CVSS score by Amazon Inspector's thresholds, and from the
 * textual ratings advisory databases and distributions publish.
 * @see https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-severity.html
 */

import type { Severity } from '../model/finding.js';

export type { Severity };

/** Least to most severe; UNTRIAGED (nothing known) sorts below everything known. */
export const SEVERITIES: readonly Severity[] = ['UNTRIAGED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * Inspector's thresholds on a CVSS score: 0 INFORMATIONAL, 0.1–3.9 LOW, 4.0–6.9 MEDIUM,
 * 7.0–8.9 HIGH, 9.0–10 CRITICAL. A score outside [0, 10] or not a number is UNTRIAGED.
 */
export function severityFromScore(score: number): Severity {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) return 'UNTRIAGED';
  // Scores are published with one decimal; round first so 3.95 from arithmetic noise is read as 4.0.
  const rounded = Math.round(score * 10) / 10;
  if (rounded === 0) return 'INFORMATIONAL';
  if (rounded < 4) return 'LOW';
  if (rounded < 7) return 'MEDIUM';
  if (rounded < 9) return 'HIGH';
  return 'CRITICAL';
}

/**
 * Textual ratings, lower-cased, to Vigil's levels:
 * - GHSA (database_specific.severity): LOW, MODERATE, HIGH, CRITICAL.
 * - Debian security tracker: unimportant, low, medium, high; "not yet assigned" means untriaged.
 * - Ubuntu priorities: negligible, low, medium, high, critical, untriaged.
 * - Red Hat, SUSE, Amazon Linux: Low, Moderate (Amazon: Medium), Important, Critical.
 * - CVSS qualitative ratings: None, Low, Medium, High, Critical.
 * "unimportant", "negligible" and "none" mean "no real risk" → INFORMATIONAL; "important" is Red
 * Hat's second level → HIGH; "moderate" → MEDIUM. Alpine publishes no rating. Anything not listed
 * gives undefined, so the caller can fall back to another source.
 */
const TEXT_RATINGS: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  medium: 'MEDIUM',
  moderate: 'MEDIUM',
  low: 'LOW',
  negligible: 'INFORMATIONAL',
  unimportant: 'INFORMATIONAL',
  none: 'INFORMATIONAL',
  informational: 'INFORMATIONAL',
  untriaged: 'UNTRIAGED',
  'not yet assigned': 'UNTRIAGED',
  unknown: 'UNTRIAGED',
};

export function severityFromText(text: string): Severity | undefined {
  if (typeof text !== 'string') return undefined;
  const key = text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  return Object.hasOwn(TEXT_RATINGS, key) ? TEXT_RATINGS[key] : undefined;
}

/** Negative when `a` is less severe than `b`, 0 when equal, positive when more severe (sorts ascending). */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** True when `severity` is `threshold` or more severe. */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return compareSeverity(severity, threshold) >= 0;
}
