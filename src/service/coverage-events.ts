/**
 * @module Coverage changes, announced: whenever what decides a resource's coverage changes (it is
 * created, an inventory is stored, its inventory grows stale with time), the coverage is decided
 * again and, when the reason differs from the one last announced, a COVERAGE_CHANGED event goes to
 * the outbox in the same transaction and the resource keeps the new reason. Inventories going
 * stale change nothing stored, so a sweep (run with the retention purge) finds them.
 */
import type { AccountId, Resource, Store } from '../store/index.js';
import {
  coverageReasons,
  decideCoverage,
  STALE_INVENTORY_DAYS_SETTING,
  staleInventoryDaysOf,
  summarizeInventory,
  type CoverageFacts,
  type CoverageOptions,
  type CoverageReason,
  type CoverageStatus,
} from './coverage.js';
import type { ServiceContext } from './context.js';

/** The coverage options at `now`, with the configured stale age. */
export async function coverageOptionsAt(store: Store, now: Date): Promise<CoverageOptions> {
  return { now, staleInventoryDays: staleInventoryDaysOf(await store.getSetting(STALE_INVENTORY_DAYS_SETTING)) };
}

/**
 * Decides the resource's coverage from `facts` and announces it if it changed; returns it. Call it
 * in the transaction that changed the facts, with the resource as it was read in it.
 */
export async function announceCoverage(tx: Store, resource: Resource, facts: CoverageFacts, options: CoverageOptions): Promise<CoverageStatus> {
  const scanStatus = decideCoverage(facts, options);
  if (resource.coverageReason === scanStatus.reason) return scanStatus;
  const previous = resource.coverageReason && Object.hasOwn(coverageReasons, resource.coverageReason) ? resource.coverageReason as CoverageReason : null;
  await tx.setCoverageReason(resource.id, scanStatus.reason);
  await tx.appendEvents([
    {
      accountId: resource.accountId as AccountId,
      type: 'COVERAGE_CHANGED',
      subjectId: resource.id,
      payload: {
        resourceId: resource.id,
        resourceType: resource.type,
        scanStatus,
        previousScanStatus: previous ? { statusCode: coverageReasons[previous], reason: previous } : null,
        at: options.now.toISOString(),
      },
    },
  ]);
  return scanStatus;
}

/** A resource just made: RESOURCE_CREATED and its first coverage (pending its first scan, or excluded by tag). */
export async function announceNewResource(tx: Store, resource: Resource, now: Date): Promise<void> {
  await tx.appendEvents([
    {
      accountId: resource.accountId,
      type: 'RESOURCE_CREATED',
      subjectId: resource.id,
      payload: { resourceId: resource.id, resourceType: resource.type, name: resource.name, at: now.toISOString() },
    },
  ]);
  await announceCoverage(tx, resource, { tags: resource.tags, inventoryTimestamp: null, inventory: undefined }, await coverageOptionsAt(tx, now));
}

/** Resources looked at per sweep transaction. */
const SWEEP_BATCH = 200;

/**
 * Announces STALE_INVENTORY for every resource whose inventory has aged past the configured days
 * since its last announcement. Each resource is decided under its lock, from its stored inventory.
 */
export async function announceStaleCoverage(ctx: Pick<ServiceContext, 'store' | 'now'>): Promise<number> {
  const now = ctx.now();
  const options = await coverageOptionsAt(ctx.store, now);
  const takenBefore = new Date(now.getTime() - options.staleInventoryDays * 24 * 60 * 60 * 1000).toISOString();
  let announced = 0;
  let after: string | undefined;
  for (;;) {
    const candidates = await ctx.store.resourcesGoingStale(takenBefore, { notReasons: ['STALE_INVENTORY', 'EXCLUDED_BY_TAG'], limit: SWEEP_BATCH, ...(after ? { after } : {}) });
    if (candidates.length === 0) return announced;
    after = candidates.at(-1)!.id;
    for (const candidate of candidates) {
      await ctx.store.transaction(async (tx) => {
        const resource = await tx.lockResource(candidate.id);
        if (!resource) return;
        const stored = await tx.getInventory(resource.id);
        const facts = { tags: resource.tags, inventoryTimestamp: resource.inventoryTimestamp, inventory: stored && summarizeInventory(stored.inventory) };
        const before = resource.coverageReason;
        const status = await announceCoverage(tx, resource, facts, options);
        if (status.reason !== before) announced++;
      });
    }
    if (candidates.length < SWEEP_BATCH) return announced;
  }
}
