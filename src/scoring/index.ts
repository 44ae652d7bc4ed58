/** @module Scoring: CVSS 2.0/3.x/4.0 vectors, Inspector's severity levels, the score a finding shows, and the upgrade command. @see https://www.first.org/cvss/ */
export { parseCvss, type CvssVersion, type ParsedCvss } from './cvss.js';
export { severityFromScore, severityFromText, compareSeverity, severityAtLeast, SEVERITIES, type Severity } from './severity.js';
export { chooseScore, type ChosenScore, type KnownCvss, type ScoreInput } from './choose.js';
export { remediationCommand, shellQuote, type RemediationInput } from './remediation.js';
