/**
 * @module The Vigil score: the finding's chosen CVSS base score, adjusted by what is known of the
 * resource and the flaw, each adjustment recorded as `{ metric, reason }` (Inspector's score works
 * the same way, with environmental metrics).
 *
 * Adjustments so far:
 * - EXPLOIT_KNOWN: CISA's Known Exploited Vulnerabilities catalog lists the CVE. The score rises by
 *   a fixed 1.0, capped at 10, rounded to one decimal. Why a fixed step and not CVSS's own
 *   Exploit Code Maturity: in CVSS 3.x "E:H" multiplies the base by 1.0 (the same as "not
 *   defined"), so it could never raise a score, and in 4.0 an unset E already counts as Attacked.
 *   A visible +1.0 keeps exploited flaws above unexploited flaws of the same base score, which is
 *   the ordering people triage by. A finding that is already 10.0 gets the adjustment recorded
 *   with no change, so the reason is still shown.
 * A finding without a CVSS score (only a textual rating) has no Vigil score: nothing is invented.
 * Network reachability adjustments will arrive with the reachability issue, through `context`.
 */
import type { Finding } from '../model/finding.js';
import type { ScoreAdjustment } from './model.js';

/** What is known of the resource beyond the finding itself; empty for now, reachability comes later. */
export type VigilScoreContext = Record<string, never>;

export interface VigilScore {
  score: number | null;
  adjustments: ScoreAdjustment[];
}

export const KEV_RAISE = 1.0;

const roundOne = (n: number): number => Math.round(n * 10) / 10;

export function vigilScore(finding: Finding, _context: VigilScoreContext = {}): VigilScore {
  const base = finding.score;
  if (base === null || !Number.isFinite(base)) return { score: null, adjustments: [] };
  let score = roundOne(Math.min(10, Math.max(0, base)));
  const adjustments: ScoreAdjustment[] = [];
  if (finding.kev) {
    const raised = roundOne(Math.min(10, score + KEV_RAISE));
    adjustments.push({
      metric: 'EXPLOIT_KNOWN',
      reason: `listed in CISA KEV since ${finding.kev.dateAdded}: ${score.toFixed(1)} → ${raised.toFixed(1)} (+${KEV_RAISE.toFixed(1)}, at most 10)`,
    });
    score = raised;
  }
  return { score, adjustments };
}
