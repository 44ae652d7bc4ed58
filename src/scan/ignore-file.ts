/**
 * @module The --ignore-file of `vigil scan`: a YAML list of vulnerability ids to leave out of the
 * gate, each with a reason and an optional expiry date; an expired entry stops ignoring and says so.
 *
 *   - id: CVE-2023-44487
 *     reason: HTTP/2 is disabled in this service
 *     expires: 2026-12-31
 */
import { parse } from 'yaml';
import type { Finding } from '../model/finding.js';
import type { Warning } from '../model/warning.js';
import { VigilError } from '../errors.js';

export interface IgnoreRule {
  id: string;
  reason: string;
  /** YYYY-MM-DD; the rule applies through that whole day (UTC). */
  expires?: string;
}

export function parseIgnoreFile(text: string, path: string): IgnoreRule[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new VigilError('INVALID_ARGUMENT', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) return [];
  const list = Array.isArray(document) ? document : (document as { ignore?: unknown }).ignore;
  if (!Array.isArray(list)) throw new VigilError('INVALID_ARGUMENT', `${path} must be a YAML list of { id, reason, expires? } entries`);
  return list.map((entry: unknown, index) => {
    const item = entry as Partial<Record<'id' | 'reason' | 'expires', unknown>> | null;
    if (!item || typeof item.id !== 'string' || item.id.trim() === '') {
      throw new VigilError('INVALID_ARGUMENT', `${path}: entry ${index + 1} has no id`);
    }
    if (typeof item.reason !== 'string' || item.reason.trim() === '') {
      throw new VigilError('INVALID_ARGUMENT', `${path}: entry ${index + 1} (${item.id}) has no reason`);
    }
    let expires: string | undefined;
    if (item.expires !== undefined) {
      // YAML reads an unquoted 2026-12-31 as a date.
      expires = item.expires instanceof Date ? item.expires.toISOString().slice(0, 10) : String(item.expires);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) {
        throw new VigilError('INVALID_ARGUMENT', `${path}: entry ${index + 1} (${item.id}) has an expiry that is not a YYYY-MM-DD date`);
      }
    }
    return { id: item.id.trim(), reason: item.reason.trim(), ...(expires ? { expires } : {}) };
  });
}

export interface IgnoreOutcome {
  kept: Finding[];
  ignored: Array<{ finding: Finding; rule: IgnoreRule }>;
  warnings: Warning[];
}

/** A rule matches a finding by its id or any alias. */
export function applyIgnoreRules(findings: readonly Finding[], rules: readonly IgnoreRule[], now: Date): IgnoreOutcome {
  const today = now.toISOString().slice(0, 10);
  const warnings: Warning[] = [];
  const active = new Map<string, IgnoreRule>();
  for (const rule of rules) {
    if (rule.expires && rule.expires < today) {
      warnings.push({ code: 'IGNORE_EXPIRED', message: `the ignore rule for ${rule.id} expired on ${rule.expires}; it no longer applies` });
      continue;
    }
    active.set(rule.id, rule);
  }
  const kept: Finding[] = [];
  const ignored: IgnoreOutcome['ignored'] = [];
  for (const finding of findings) {
    const rule = [finding.vulnerabilityId, ...finding.aliases].map((id) => active.get(id)).find((r) => r !== undefined);
    if (rule) ignored.push({ finding, rule });
    else kept.push(finding);
  }
  return { kept, ignored, warnings };
}
