/**
 * @module CVSS vectors of versions 2.0, 3.0, 3.1 and 4.0: strict parsing and the base score.
 *
 * The grammar is checked here, metric by metric (known metric, known value, no repeats, every base
 * metric present, the version prefix right), because the calculator underneath
 * (ae-cvss-calculator) is lenient: it fills missing metrics with "X" and scores 0. The arithmetic
 * is the calculator's.
 *
 * `baseScore` is the score of the base metrics alone, for every version. For 4.0 that is the
 * CVSS-B score: threat and environmental metrics in the vector are validated and kept in the
 * vector, but not scored here — the Vigil score adjusts for the environment itself.
 * @see https://www.first.org/cvss/v2/guide
 * @see https://www.first.org/cvss/v3.1/specification-document
 * @see https://www.first.org/cvss/v4.0/specification-document
 */
import { createRequire } from 'node:module';

/** The calculator, loaded on the first score asked for (a scan without CVSS vectors never needs it). */
let calculatorModule: typeof import('ae-cvss-calculator') | undefined;
function calculator(): typeof import('ae-cvss-calculator') {
  calculatorModule ??= createRequire(import.meta.url)('ae-cvss-calculator') as typeof import('ae-cvss-calculator');
  return calculatorModule;
}

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface ParsedCvss {
  version: CvssVersion;
  /** The vector as written, trimmed; a v2 vector without prefix (NVD's form, "AV:N/AC:L/…"). */
  vector: string;
  baseScore: number;
}

interface Grammar {
  /** Metrics every vector must carry. */
  base: Record<string, readonly string[]>;
  /** Optional metrics (temporal, threat, environmental, supplemental). */
  optional: Record<string, readonly string[]>;
}

const CIA2 = ['N', 'P', 'C'];
const REQ2 = ['L', 'M', 'H', 'ND'];
const V2: Grammar = {
  base: { AV: ['L', 'A', 'N'], AC: ['H', 'M', 'L'], Au: ['M', 'S', 'N'], C: CIA2, I: CIA2, A: CIA2 },
  optional: {
    E: ['U', 'POC', 'F', 'H', 'ND'],
    RL: ['OF', 'TF', 'W', 'U', 'ND'],
    RC: ['UC', 'UR', 'C', 'ND'],
    CDP: ['N', 'L', 'LM', 'MH', 'H', 'ND'],
    TD: ['N', 'L', 'M', 'H', 'ND'],
    CR: REQ2,
    IR: REQ2,
    AR: REQ2,
  },
};

const CIA3 = ['N', 'L', 'H'];
const MCIA3 = ['X', 'N', 'L', 'H'];
const REQ3 = ['X', 'L', 'M', 'H'];
const V3: Grammar = {
  base: { AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], PR: ['N', 'L', 'H'], UI: ['N', 'R'], S: ['U', 'C'], C: CIA3, I: CIA3, A: CIA3 },
  optional: {
    E: ['X', 'U', 'P', 'F', 'H'],
    RL: ['X', 'O', 'T', 'W', 'U'],
    RC: ['X', 'U', 'R', 'C'],
    CR: REQ3,
    IR: REQ3,
    AR: REQ3,
    MAV: ['X', 'N', 'A', 'L', 'P'],
    MAC: ['X', 'L', 'H'],
    MPR: ['X', 'N', 'L', 'H'],
    MUI: ['X', 'N', 'R'],
    MS: ['X', 'U', 'C'],
    MC: MCIA3,
    MI: MCIA3,
    MA: MCIA3,
  },
};

const HLN = ['H', 'L', 'N'];
const MHLN = ['X', 'H', 'L', 'N'];
const REQ4 = ['X', 'H', 'M', 'L'];
const V4: Grammar = {
  base: {
    AV: ['N', 'A', 'L', 'P'],
    AC: ['L', 'H'],
    AT: ['N', 'P'],
    PR: ['N', 'L', 'H'],
    UI: ['N', 'P', 'A'],
    VC: HLN,
    VI: HLN,
    VA: HLN,
    SC: HLN,
    SI: HLN,
    SA: HLN,
  },
  optional: {
    E: ['X', 'A', 'P', 'U'],
    CR: REQ4,
    IR: REQ4,
    AR: REQ4,
    MAV: ['X', 'N', 'A', 'L', 'P'],
    MAC: ['X', 'L', 'H'],
    MAT: ['X', 'N', 'P'],
    MPR: ['X', 'N', 'L', 'H'],
    MUI: ['X', 'N', 'P', 'A'],
    MVC: MHLN,
    MVI: MHLN,
    MVA: MHLN,
    MSC: MHLN,
    MSI: ['X', 'S', 'H', 'L', 'N'],
    MSA: ['X', 'S', 'H', 'L', 'N'],
    S: ['X', 'N', 'P'],
    AU: ['X', 'N', 'Y'],
    R: ['X', 'A', 'U', 'I'],
    V: ['X', 'D', 'C'],
    RE: ['X', 'L', 'M', 'H'],
    U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
  },
};

/** The metric:value pairs of a vector body, or undefined when it breaks the grammar. */
function parseMetrics(body: string, grammar: Grammar): Map<string, string> | undefined {
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return undefined;
    const metric = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const allowed = Object.hasOwn(grammar.base, metric) ? grammar.base[metric] : Object.hasOwn(grammar.optional, metric) ? grammar.optional[metric] : undefined;
    if (!allowed || !allowed.includes(value) || metrics.has(metric)) return undefined;
    metrics.set(metric, value);
  }
  for (const metric of Object.keys(grammar.base)) if (!metrics.has(metric)) return undefined;
  return metrics;
}

/** The base-metrics-only part of a vector, in the specification's order. */
function baseVector(prefix: string, metrics: Map<string, string>, grammar: Grammar): string {
  const parts = Object.keys(grammar.base).map((metric) => `${metric}:${metrics.get(metric)}`);
  return prefix ? `${prefix}/${parts.join('/')}` : parts.join('/');
}

function scoreOf(version: CvssVersion, vector: string): number | undefined {
  switch (version) {
    case '2.0':
      return new (calculator().Cvss2)(vector).calculateScores().base;
    case '3.0':
      return new (calculator().Cvss3P0)(vector).calculateScores().base;
    case '3.1':
      return new (calculator().Cvss3P1)(vector).calculateScores().base;
    case '4.0':
      return new (calculator().Cvss4P0)(vector).calculateScores().base;
  }
}

const PREFIXED = /^CVSS:(2\.0|3\.0|3\.1|4\.0)\/(.*)$/;

/**
 * Parses a CVSS vector and computes its base score. v2 vectors come without a prefix (a
 * "CVSS:2.0/" prefix, as some feeds write, is accepted and dropped); v3.x and v4.0 need theirs.
 * Anything else gives undefined; this never throws.
 */
export function parseCvss(vector: string): ParsedCvss | undefined {
  if (typeof vector !== 'string') return undefined;
  // Scanning meets the same few thousand vectors again and again; each is computed once.
  if (parsedVectors.has(vector)) return parsedVectors.get(vector);
  const parsed = computeCvss(vector);
  if (parsedVectors.size >= PARSED_VECTORS_KEPT) parsedVectors.delete(parsedVectors.keys().next().value!);
  parsedVectors.set(vector, parsed ? Object.freeze(parsed) : undefined);
  return parsed;
}

const PARSED_VECTORS_KEPT = 50_000;
const parsedVectors = new Map<string, Readonly<ParsedCvss> | undefined>();

function computeCvss(vector: string): ParsedCvss | undefined {
  let text = vector.trim();
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1);
  const match = PREFIXED.exec(text);
  const version: CvssVersion = match ? (match[1] as CvssVersion) : '2.0';
  const body = match ? match[2]! : text;
  const grammar = version === '2.0' ? V2 : version === '4.0' ? V4 : V3;
  const metrics = parseMetrics(body, grammar);
  if (!metrics) return undefined;
  if (version === '4.0' && !inSpecOrder(metrics)) return undefined;
  const normalised = version === '2.0' ? body : text;
  const prefix = version === '2.0' ? '' : `CVSS:${version}`;
  let baseScore: number | undefined;
  try {
    baseScore = scoreOf(version, baseVector(prefix, metrics, grammar));
  } catch {
    return undefined;
  }
  if (baseScore === undefined || !Number.isFinite(baseScore) || baseScore < 0 || baseScore > 10) return undefined;
  return { version, vector: normalised, baseScore: Math.round(baseScore * 10) / 10 };
}

/** CVSS 4.0 requires metrics in the specification's order (3.x and 2.0 only recommend it). */
const V4_ORDER = [...Object.keys(V4.base), ...Object.keys(V4.optional)];
function inSpecOrder(metrics: Map<string, string>): boolean {
  let last = -1;
  for (const metric of metrics.keys()) {
    const index = V4_ORDER.indexOf(metric);
    if (index <= last) return false;
    last = index;
  }
  return true;
}
