/**
 * @module EPSS CSV lines to EpssScore records: the optional `#model_version:…,score_date:…`
 * comment, the `cve,epss,percentile` header, and one score per line.
 * @see https://www.first.org/epss/data_stats
 */
import type { EpssScore, FeedRejection } from '../../model/advisory.js';

export interface EpssModel {
  modelVersion?: string;
  scoreDate?: string;
}

/** Where each field sits in a line; the official files use cve,epss,percentile. */
export interface EpssColumns {
  cve: number;
  epss: number;
  percentile: number;
}

export const DEFAULT_EPSS_COLUMNS: EpssColumns = { cve: 0, epss: 1, percentile: 2 };

export type EpssLine =
  | { kind: 'model'; model: EpssModel }
  | { kind: 'header'; columns: EpssColumns }
  | { kind: 'blank' }
  | { kind: 'score'; score: EpssScore }
  | { kind: 'rejected'; rejection: FeedRejection };

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** `#model_version:v2025.03.14,score_date:2026-08-16T00:00:00+0000` → its two facts. */
export function parseEpssComment(line: string): EpssModel {
  const model: EpssModel = {};
  for (const part of line.replace(/^#/, '').split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const key = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (!value) continue;
    if (key === 'model_version') model.modelVersion = value;
    else if (key === 'score_date') model.scoreDate = value;
  }
  return model;
}

function probability(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (!NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 0 && value <= 1 ? value : undefined;
}

/**
 * Classifies one line. `lineNumber` (1-based) names a rejected line; `columns` come from the
 * header seen before (the default order when there was none).
 */
export function parseEpssLine(line: string, lineNumber: number, columns: EpssColumns = DEFAULT_EPSS_COLUMNS): EpssLine {
  const text = line.replace(/^\uFEFF/, '').trim();
  if (text === '') return { kind: 'blank' };
  if (text.startsWith('#')) return { kind: 'model', model: parseEpssComment(text) };
  const fields = text.split(',').map((field) => field.trim());
  const lower = fields.map((field) => field.toLowerCase());
  if (lower.includes('cve') && lower.includes('epss')) {
    const percentile = lower.indexOf('percentile');
    return { kind: 'header', columns: { cve: lower.indexOf('cve'), epss: lower.indexOf('epss'), percentile } };
  }
  const where = `line ${lineNumber}`;
  const cveId = fields[columns.cve]?.toUpperCase() ?? '';
  if (!CVE_ID.test(cveId)) return { kind: 'rejected', rejection: { id: where, reason: `no CVE id in ${JSON.stringify(text.slice(0, 60))}` } };
  const score = probability(fields[columns.epss]);
  if (score === undefined) return { kind: 'rejected', rejection: { id: cveId, reason: `${where}: epss ${JSON.stringify(fields[columns.epss] ?? '')} is not a number in [0, 1]` } };
  const percentile = columns.percentile >= 0 ? probability(fields[columns.percentile]) : undefined;
  if (percentile === undefined) {
    return { kind: 'rejected', rejection: { id: cveId, reason: `${where}: percentile ${JSON.stringify(fields[columns.percentile] ?? '')} is not a number in [0, 1]` } };
  }
  return { kind: 'score', score: { cveId, score, percentile } };
}
