/**
 * @module A suppression rule was created, edited or deleted: every open finding of the account is
 * judged again against the account's rules as they are now (ACTIVE ↔ SUPPRESSED), with an event
 * for each change. One resource per transaction, each under the resource's lock, so a push or a
 * re-evaluation of the same resource waits and sees the result.
 */
import { reevaluateSuppression, type StoredFinding as LifecycleFinding } from '../findings/index.js';
import { asId, type AccountId, type ResourceId } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { resourceFacts, toFindingWrite, toNewEvent } from './finding-records.js';
import { suppressionRules } from './reconcile-inventory.js';
import { lifecycleFindings } from './resource-findings.js';

export interface ReapplySuppressionResult {
  resources: number;
  suppressed: number;
  unsuppressed: number;
}

export async function reapplySuppression(ctx: ServiceContext, accountIdText: string): Promise<ReapplySuppressionResult> {
  const accountId: AccountId = asId('AccountId', accountIdText);
  const result: ReapplySuppressionResult = { resources: 0, suppressed: 0, unsuppressed: 0 };
  let after: string | undefined;
  do {
    const page = await ctx.store.listResources(accountId, { limit: 500, ...(after ? { after } : {}) });
    for (const listed of page.items) {
      await reapplyToResource(ctx, accountId, listed.id, result);
      result.resources++;
    }
    after = page.next;
  } while (after);
  return result;
}

async function reapplyToResource(ctx: ServiceContext, accountId: AccountId, resourceId: ResourceId, result: ReapplySuppressionResult): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const resource = await tx.lockResource(resourceId);
    if (!resource || resource.accountId !== accountId) return;
    // Rules are read under the lock: a rule changed meanwhile queues another run, which reads it.
    const rules = suppressionRules(await tx.listFilters(accountId, { action: 'SUPPRESS' }));
    const facts = resourceFacts(resource);
    const records = await tx.listFindingsForResource(resourceId);
    const stored = lifecycleFindings(records, rules, facts) as LifecycleFinding[];
    const changes = reevaluateSuppression({ stored, resourceOf: () => facts, suppressionRules: rules, now: ctx.now().toISOString() });
    if (changes.updated.length === 0) return;
    // A finding that stays suppressed under another set of rules is updated too (its rules are kept, and announced).
    await tx.upsertFindings(changes.updated.map(toFindingWrite));
    await tx.appendEvents(changes.events.map(toNewEvent));
    const statusBefore = new Map(records.map((record) => [record.id as string, record.status]));
    const flipped = changes.updated.filter((finding) => finding.status !== statusBefore.get(finding.id));
    for (const finding of flipped) {
      if (finding.status === 'SUPPRESSED') result.suppressed++;
      else result.unsuppressed++;
    }
  });
}
