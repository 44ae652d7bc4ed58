/** @module An account's SUPPRESS filters as the lifecycle's suppression rules. */
import { compileCriteria, parseCriteria, type SuppressionRule } from '../findings/index.js';
import type { Filter } from '../store/index.js';

/**
 * The account's SUPPRESS filters as suppression rules. A stored filter whose criteria no longer
 * parse (the API validates them on the way in, so only a hand-edited row) is left out rather than
 * blocking every push of the account.
 */
export function suppressionRules(filters: readonly Filter[]): SuppressionRule[] {
  const rules: SuppressionRule[] = [];
  for (const filter of filters) {
    if (filter.action !== 'SUPPRESS') continue;
    const parsed = parseCriteria(filter.criteria);
    if (!parsed.ok) continue;
    rules.push({ id: filter.id, matches: compileCriteria(parsed.criteria, { defaultStatusFilter: false }) });
  }
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
