/**
 * @module Re-evaluation without rescanning (issue 5): when the vulnerability database changes,
 * the stored inventories that hold a package whose advisories changed are matched again and their
 * findings reconciled; no target is read.
 *
 * What was applied last is a store setting: the database's id, its last import's sequence number
 * and Vigil's version. The same database with newer imports: the change log since that import
 * names the (ecosystem, package) pairs, the inventory index the resources holding them, and only
 * the packages that can be affected are matched again (`rematch-changed.ts` says why that is the
 * whole answer). Anything else — nothing recorded, another database, an older import of this one
 * swapped back in, another Vigil version (matching may have changed) — re-matches every stored
 * inventory whole.
 *
 * Resources are re-evaluated under their locks, as a push takes them: a batch of them per
 * transaction (100 by default; one transaction per resource costs more than the work itself), or
 * one per transaction for a run over everything. Inventories and findings are read under the
 * locks, so a push and a re-evaluation of one resource run one after the other and each sees what
 * the other wrote. For a run over changes, each resource is re-matched from the packages the
 * inventory index holds for the changed keys and only the findings they can touch are read whole
 * (`rematch-held.ts`), or, where the index cannot say enough, from its whole inventory
 * (`rematch-changed.ts`). Unchanged findings are left as they are (no scan observed them), so a
 * second run changes nothing. What was applied is recorded only after every resource is done: a
 * run that stops half-way (a crash, or a newer database swapped in, which queues a run of its
 * own) is repeated, harmlessly, by the next.
 */
import { reconcileFindings, type ChangeSet, type SuppressionRule } from '../findings/index.js';
import type { PackageLookupKey } from '../match/lookup-keys.js';
import type { Finding } from '../model/finding.js';
import { scanInventory } from '../scan/scan-target.js';
import { newId as newStoreId, type AccountId, type FindingOutline, type ResourceId, type Store, type StoredFinding } from '../store/index.js';
import { vigilVersion } from '../version.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import type { ServiceContext } from './context.js';
import { resourceFacts } from './finding-records.js';
import { changedLookupKeys, lookupKeySet, rematchChanged } from './rematch-changed.js';
import { matchHeld, needsWholeInventory, vulnerabilitiesOf, type HeldMatches } from './rematch-held.js';
import { lifecycleFindings, readResourceFindings, reconcileWithScan, writeChangeSet, writeChangeSets } from './resource-findings.js';
import { suppressionRules } from './suppression-rules.js';
import { isSuperseded } from './vulndb-handle.js';
import { vulnDbIdentityOf, type VulnDbIdentity } from './vulndb-identity.js';

/** The store setting holding what was applied last. */
export const APPLIED_VULNDB_SETTING = 'reevaluation.applied-vulndb';

export interface AppliedVulnDb extends VulnDbIdentity {
  vigilVersion: string;
}

export interface ReevaluateOptions {
  /** The database to re-evaluate against (the handle's current reader, for the job). */
  reader: VulnDbReader;
  /**
   * 'changed' (default) re-matches only the packages a change can affect; 'whole' re-matches
   * each re-evaluated inventory whole (same result, slower; for comparison and doubt).
   */
  rematch?: 'changed' | 'whole';
  /** Transactions run at once (default 1 on SQLite, whose one connection runs one at a time; 4 on PostgreSQL). */
  concurrency?: number;
  /** Resources re-evaluated in one transaction, all locked, when only changes are (default 100). */
  batchSize?: number;
  /** Ids for new findings; a fresh store id each by default. */
  newId?: () => string;
}

export interface ReevaluateCounts {
  /** Resources re-evaluated (locked, re-matched, reconciled). */
  resources: number;
  created: number;
  updated: number;
  closed: number;
  reopened: number;
}

export type ReevaluateResult =
  /** Everything was re-evaluated and recorded as applied. */
  | ({ status: 'applied'; scope: 'changes' | 'everything'; from: AppliedVulnDb | undefined; to: AppliedVulnDb } & ReevaluateCounts)
  /** What was applied is this database as it is now: nothing to do. */
  | ({ status: 'up-to-date'; to: AppliedVulnDb } & ReevaluateCounts)
  /** A newer database was swapped in meanwhile; the run stopped, and the next one does the rest. */
  | ({ status: 'superseded'; scope: 'changes' | 'everything' } & ReevaluateCounts);

class Superseded extends Error {}

function parseApplied(text: string | undefined): AppliedVulnDb | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<AppliedVulnDb>;
    if (typeof value.importSeq !== 'number' || typeof value.vigilVersion !== 'string') return undefined;
    return { databaseId: typeof value.databaseId === 'string' ? value.databaseId : null, importSeq: value.importSeq, vigilVersion: value.vigilVersion };
  } catch {
    return undefined;
  }
}

/** The last applied database and Vigil version, when one was recorded. */
export async function readAppliedVulnDb(store: Store): Promise<AppliedVulnDb | undefined> {
  return parseApplied(await store.getSetting(APPLIED_VULNDB_SETTING));
}

/** The same database (an id to compare), later or equal imports, the same Vigil. */
function sameLine(applied: AppliedVulnDb | undefined, now: AppliedVulnDb): applied is AppliedVulnDb {
  return applied !== undefined && applied.databaseId !== null && applied.databaseId === now.databaseId && applied.vigilVersion === now.vigilVersion && applied.importSeq <= now.importSeq;
}

/** Every undeleted resource of every account, by id. */
async function allResources(store: Store): Promise<ResourceId[]> {
  const ids: ResourceId[] = [];
  for (const account of await store.listAccounts()) {
    let after: string | undefined;
    do {
      const page = await store.listResources(account.id, { limit: 1000, ...(after ? { after } : {}) });
      for (const resource of page.items) ids.push(resource.id);
      after = page.next;
    } while (after);
  }
  return ids;
}

export async function reevaluate(ctx: ServiceContext, options: ReevaluateOptions): Promise<ReevaluateResult> {
  const { store } = ctx;
  const { reader } = options;
  const counts: ReevaluateCounts = { resources: 0, created: 0, updated: 0, closed: 0, reopened: 0 };
  const to: AppliedVulnDb = { ...vulnDbIdentityOf(reader), vigilVersion };
  const from = await readAppliedVulnDb(store);
  const incremental = sameLine(from, to);
  if (incremental && from.importSeq === to.importSeq) return { status: 'up-to-date', to, ...counts };

  let targets: ResourceId[];
  let keys: PackageLookupKey[] = [];
  if (incremental) {
    keys = changedLookupKeys(reader.changesSince(from.importSeq).filter((change) => change.importSeq <= to.importSeq));
    targets = keys.length === 0 ? [] : (await store.resourcesHolding(keys)).map((ref) => ref.id);
  } else {
    targets = await allResources(store);
  }
  const scope = incremental ? 'changes' : 'everything';
  const started = Date.now();
  ctx.log.info({ scope, from, to, resources: targets.length }, 're-evaluating stored inventories');

  const newId = options.newId ?? (() => newStoreId('FindingId'));
  const concurrency = options.concurrency ?? (store.dialect === 'postgres' ? 4 : 1);
  try {
    if (incremental && options.rematch !== 'whole') {
      const size = Math.max(1, options.batchSize ?? 100);
      const batches = Array.from({ length: Math.ceil(targets.length / size) }, (_, i) => targets.slice(i * size, (i + 1) * size));
      const changed = lookupKeySet(keys);
      await runAll(batches, concurrency, (batch) => reevaluateBatch(ctx, batch, keys, changed, reader, newId, counts));
    } else {
      await runAll(targets, concurrency, (resourceId) => reevaluateResource(ctx, resourceId, reader, newId, counts));
    }
  } catch (error) {
    if (!(error instanceof Superseded)) throw error;
    ctx.log.info({ scope, ...counts }, 're-evaluation stopped: a newer vulnerability database was swapped in');
    return { status: 'superseded', scope, ...counts };
  }

  await store.transaction(async (tx) => {
    // Two runs at once (workers on PostgreSQL) must not record an older database over a newer one.
    const recorded = await readAppliedVulnDb(tx);
    if (recorded && sameLine(to, recorded) && recorded.importSeq > to.importSeq) return;
    await tx.putSetting(APPLIED_VULNDB_SETTING, JSON.stringify(to));
  });
  ctx.log.info({ scope, to, ...counts, ms: Date.now() - started }, 're-evaluation applied');
  return { status: 'applied', scope, from, to, ...counts };
}

/** Runs `fn` over `items`, `concurrency` at a time; after a failure no new item starts, and the first failure is thrown once all have stopped. */
async function runAll<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
}

function count(counts: ReevaluateCounts, changes: ChangeSet): void {
  counts.resources++;
  counts.created += changes.created.length;
  counts.updated += changes.updated.length;
  counts.closed += changes.closed.length;
  counts.reopened += changes.reopened.length;
}

/** Stops a run whose reader a newer database has replaced; called right before each use of the reader. */
function checkReader(reader: VulnDbReader): void {
  // The check and the synchronous use after it have no await between them: a superseded reader
  // is still open then (the handle closes it only after a grace period), and the run gives way.
  if (isSuperseded(reader)) throw new Superseded();
}

/** Re-evaluates one resource's whole inventory under its lock (a run over everything). */
async function reevaluateResource(ctx: ServiceContext, resourceId: ResourceId, reader: VulnDbReader, newId: () => string, counts: ReevaluateCounts): Promise<void> {
  const changes = await ctx.store.transaction(async (tx) => {
    const resource = await tx.lockResource(resourceId);
    // Deleted since it was listed, or never given an inventory: nothing to re-evaluate.
    if (!resource) return undefined;
    const held = await tx.getInventory(resourceId);
    if (!held) return undefined;
    const found = await readResourceFindings(tx, resource);
    checkReader(reader);
    const scanned = scanInventory(held.inventory, reader).findings;
    const now = ctx.now().toISOString();
    const changeSet = await reconcileWithScan(tx, found, scanned, { now, newId, reopenWindowDays: ctx.settings.reopenWindowDays, observe: false });
    await tx.markScanned(resourceId, now);
    await writeChangeSet(tx, changeSet);
    return changeSet;
  });
  if (changes) count(counts, changes);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}

/**
 * Re-evaluates a batch of resources that hold changed keys, in one transaction with all of them
 * locked (a push to one of them waits, then sees the result). Each is re-matched from the
 * packages the index holds for the keys, or, where the index cannot say enough, from its whole
 * inventory; only the findings the change can touch are read whole and reconciled.
 */
async function reevaluateBatch(
  ctx: ServiceContext,
  batch: readonly ResourceId[],
  keys: readonly PackageLookupKey[],
  changed: ReadonlySet<string>,
  reader: VulnDbReader,
  newId: () => string,
  counts: ReevaluateCounts,
): Promise<void> {
  const sets = await ctx.store.transaction(async (tx) => {
    const resources = new Map((await tx.lockResources(batch)).map((resource) => [resource.id as string, resource]));
    // Under the locks: a push since the index was asked may have taken the package away.
    const held = (await tx.heldPackages([...resources.keys()] as ResourceId[], keys)).filter((h) => resources.has(h.resourceId));
    if (held.length === 0) return [];
    const rules = new Map<string, SuppressionRule[]>();
    for (const accountId of new Set(held.map((h) => resources.get(h.resourceId)!.accountId))) {
      rules.set(accountId, suppressionRules(await tx.listFilters(accountId as AccountId, { action: 'SUPPRESS' })));
    }
    checkReader(reader);
    const matched = new Map<string, HeldMatches | undefined>(held.map((h) => [h.resourceId, matchHeld(h, reader)]));
    const found = [...matched.values()].filter((m): m is HeldMatches => m !== undefined);
    // The re-matched packages' findings, then the other open findings of their vulnerabilities.
    const owned = groupBy(await tx.findingsOfPackages(found.flatMap((m) => m.packages)), (f: StoredFinding) => f.resourceId);
    const sharing = groupBy(
      await tx.openFindingsWith(found.flatMap((m) => vulnerabilitiesOf(m, owned.get(m.resourceId) ?? []).map((vulnerabilityId) => ({ resourceId: m.resourceId, vulnerabilityId })))),
      (o: FindingOutline) => o.resourceId,
    );
    const plans = held.map((h) => {
      const m = matched.get(h.resourceId);
      const scoped = m && !needsWholeInventory(m, sharing.get(h.resourceId) ?? []) ? m : undefined;
      return { resource: resources.get(h.resourceId)!, scoped };
    });

    const now = ctx.now().toISOString();
    const made: ChangeSet[] = [];
    const done: ResourceId[] = [];
    for (const { resource, scoped } of plans) {
      const facts = resourceFacts(resource);
      const accountRules = rules.get(resource.accountId)!;
      let records: StoredFinding[];
      let scanned: Finding[];
      if (scoped) {
        records = owned.get(resource.id) ?? [];
        scanned = scoped.scanned;
      } else {
        const inventory = await tx.getInventory(resource.id);
        if (!inventory) continue;
        records = await tx.listFindingsForResource(resource.id);
        checkReader(reader);
        const open = records.filter((record) => record.status !== 'CLOSED').map((record) => record.finding);
        scanned = rematchChanged(inventory.inventory, open, changed, reader).findings;
      }
      const stored = lifecycleFindings(records, accountRules, facts);
      const changes = reconcileFindings({ resource: facts, stored, scanned, suppressionRules: accountRules, now, newId, reopenWindowDays: ctx.settings.reopenWindowDays });
      made.push(changes);
      done.push(resource.id);
    }
    // Events last: on PostgreSQL appending them takes the outbox's lock until commit.
    await tx.markResourcesScanned(done, now);
    await writeChangeSets(tx, made);
    return made;
  });
  for (const changes of sets) count(counts, changes);
}
