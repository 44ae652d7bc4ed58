/**
 * @module Deleting a resource (`DELETE /v1/resources/{id}`): in one transaction, under the
 * resource's lock, the resource is marked deleted (it leaves the inventory index, so no
 * re-evaluation reaches it again), every open finding of it is CLOSED for RESOURCE_DELETED (purged
 * sooner, see retention.ts) with a FINDING_CLOSED event each, and a RESOURCE_DELETED event is
 * written. A push or a re-evaluation of the resource waits for the lock and then finds it gone.
 */
import { closeAllForDeletedResource } from '../findings/index.js';
import { asId, type AccountId, type ResourceId } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { fromStoredRecord, toNewEvent } from './finding-records.js';

export interface DeleteResourceResult {
  /** False when the account has no such undeleted resource. */
  deleted: boolean;
  closedFindings: number;
}

export async function deleteResourceAndCloseFindings(ctx: ServiceContext, accountId: AccountId, resourceId: ResourceId): Promise<DeleteResourceResult> {
  const now = ctx.now().toISOString();
  return ctx.store.transaction(async (tx): Promise<DeleteResourceResult> => {
    const resource = await tx.lockResource(resourceId);
    if (!resource || resource.accountId !== accountId) return { deleted: false, closedFindings: 0 };
    const records = await tx.listFindingHeadsForResource(resource);
    const changes = closeAllForDeletedResource(records.map((record) => fromStoredRecord(record)), now);
    if (!(await tx.deleteResource(accountId, resourceId))) return { deleted: false, closedFindings: 0 };
    if (changes.closed.length > 0) await tx.closeFindings(changes.closed.map((finding) => asId('FindingId', finding.id)), now);
    await tx.appendEvents([
      ...changes.events.map(toNewEvent),
      {
        accountId,
        type: 'RESOURCE_DELETED',
        subjectId: resourceId,
        payload: { resourceId, resourceType: resource.type, name: resource.name, closedFindings: changes.closed.length, at: now },
      },
    ]);
    return { deleted: true, closedFindings: changes.closed.length };
  });
}
