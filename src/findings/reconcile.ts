/**
 * @module The finding lifecycle: a resource's stored findings and its new scan findings in, the
 * change set and one event per change out. Pure: no store, no clock, no id source of its own.
 *
 * The rules (issue 5, and where it is silent, ours):
 * - Identity is (account, resource, type, vulnerability id, package ecosystem + name, file path);
 *   the installed version is not part of it, so an upgrade that is still vulnerable updates the
 *   same finding. Two scan findings with one identity (two versions of a package listed in one
 *   lockfile) are one finding: the one with the smallest purl is kept, so the result does not
 *   depend on the order of the scan.
 * - First detection: ACTIVE (or SUPPRESSED, when a rule matches), firstObservedAt = lastObservedAt
 *   = updatedAt = now.
 * - lastObservedAt moves on every scan that sees the finding. updatedAt moves only when something
 *   about the finding changes: its body (version, fix, severity, score, EPSS, KEV, …), its Vigil
 *   score, or its status. A scan that sees a finding unchanged is no change: it is counted in
 *   `unchanged` and listed in `seen` (ids whose lastObservedAt becomes `now`), with no event, so a
 *   repeated scan yields no events.
 * - A scan that no longer sees an ACTIVE or SUPPRESSED finding closes it (closedAt = updatedAt = now).
 * - A CLOSED finding whose identity recurs within `reopenWindowDays` (7) of its closing — elapsed
 *   time at most 7 × 24 h — is reopened: same id, same firstObservedAt, ACTIVE (or SUPPRESSED).
 *   Later, a new finding with a new id is created and the old one stays CLOSED until purged.
 * - Suppression rules are evaluated on the finding as it would be when ACTIVE (so a rule's
 *   findingStatus criterion cannot depend on its own result). Any match: SUPPRESSED; none: ACTIVE.
 * - Events: FINDING_CREATED and FINDING_REOPENED carry the resulting status (a finding created or
 *   reopened straight into SUPPRESSED gets no separate FINDING_SUPPRESSED); FINDING_SUPPRESSED and
 *   FINDING_UNSUPPRESSED are for an open finding changing between the two (FINDING_SUPPRESSED
 *   again when the set of matching rules changes); FINDING_UPDATED lists
 *   the top-level fields of the body that changed (and "vigilScore"); a finding whose body and
 *   status both change gets both events, FINDING_UPDATED first.
 * - Output order is fixed: scan findings in identity order, then closures in identity order; ids
 *   are drawn from `newId` in that order, so a counter makes tests deterministic.
 */
import type { Finding } from '../model/finding.js';
import { findingDigest } from '../model/finding-json.js';
import { bodyDigest } from './body-digest.js';
import type { FindingPredicate } from './criteria.js';
import {
  findingFilePath,
  identityKey,
  storedIdentityKey,
  storedVulnerabilityId,
  type CloseReason,
  type FindingEvent,
  type FindingEventType,
  type FindingType,
  type ResourceFacts,
  type StoredFinding,
  type StoredFindingHead,
} from './model.js';
import { vigilScore } from './vigil-score.js';

export interface SuppressionRule {
  id: string;
  matches: FindingPredicate;
}

export interface ReconcileInput<Head extends StoredFindingHead = StoredFindingHead> {
  resource: ResourceFacts;
  /**
   * Every stored finding of this resource, CLOSED ones included (they decide reopen vs new). A
   * head without its body is enough unless `bodiesToLoad` names it.
   */
  stored: readonly Head[];
  /** The bodies of the heads `bodiesToLoad` named, by id (for heads given without them). */
  loadedBodies?: ReadonlyMap<string, Finding>;
  /** The new scan's findings for the resource (a full picture: what is missing gets closed), or their `indexScan`. */
  scanned: readonly Finding[] | ScanIndex;
  suppressionRules: readonly SuppressionRule[];
  /** ISO 8601 time of the scan. */
  now: string;
  newId: () => string;
  /** Finding type of the scan findings; PACKAGE_VULNERABILITY for now. */
  type?: FindingType;
  reopenWindowDays?: number;
}

/** What a reconcile changed; the closed findings are the stored ones as given (heads or whole), closed. */
export interface ChangeSet<Head extends StoredFindingHead = StoredFindingHead> {
  created: StoredFinding[];
  /** Open findings whose body, score or status changed, in their new state. */
  updated: StoredFinding[];
  closed: Head[];
  reopened: StoredFinding[];
  /** Ids of findings seen unchanged: only their lastObservedAt becomes `observedAt`. */
  seen: string[];
  observedAt: string;
  unchanged: number;
  events: FindingEvent[];
}

export const DEFAULT_REOPEN_WINDOW_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

function emptyChangeSet<Head extends StoredFindingHead>(now: string): ChangeSet<Head> {
  return { created: [], updated: [], closed: [], reopened: [], seen: [], observedAt: now, unchanged: 0, events: [] };
}

function timeOf(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not an ISO 8601 time: ${JSON.stringify(iso)}`);
  return ms;
}

/** JSON with object keys sorted, to compare bodies whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Two lists of rule ids, equal element by element (both are kept sorted). */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function changedFields(before: StoredFindingHead, scanned: ScannedFinding, score: number | null, loadedBodies: ReadonlyMap<string, Finding> | undefined): string[] {
  const { body } = scanned;
  // Most findings of a push are unchanged: the same digest as stored says so without the stored body.
  if (before.bodyDigest !== undefined && before.bodyDigest === scanned.digest) return before.vigilScore !== score ? ['vigilScore'] : [];
  const beforeBody = before.body ?? loadedBodies?.get(before.id);
  if (beforeBody === undefined) throw new RangeError(`stored finding ${before.id} changed, and its body was not loaded (bodiesToLoad names it)`);
  const fields = new Set([...Object.keys(beforeBody), ...Object.keys(body)]);
  const changed = [...fields].filter((field) => canonical((beforeBody as unknown as Record<string, unknown>)[field]) !== canonical((body as unknown as Record<string, unknown>)[field])).sort();
  if (before.vigilScore !== score) changed.push('vigilScore');
  return changed;
}

/** A scan finding, with the digest of its body worked out once, when first asked for. */
class ScannedFinding {
  #digest: string | undefined;
  constructor(readonly body: Finding) {}
  get digest(): string {
    return (this.#digest ??= findingDigest(this.body, bodyDigest));
  }
}

/** A scan's findings for one resource by identity, one per identity: what `reconcileFindings` and `bodiesToLoad` share. */
export interface ScanIndex {
  readonly type: FindingType;
  readonly byIdentity: ReadonlyMap<string, ScannedFinding>;
}

/** Indexes a scan's findings for the resource (made once, read by `bodiesToLoad` and `reconcileFindings`). */
export function indexScan(resource: ResourceFacts, scanned: readonly Finding[], type: FindingType = 'PACKAGE_VULNERABILITY'): ScanIndex {
  return { type, byIdentity: new Map([...scanByIdentity(resource, type, scanned)].map(([key, finding]) => [key, new ScannedFinding(finding)])) };
}

/** Works out every scan finding's digest now, rather than when first compared (a push does it while a query runs). */
export function digestScan(scan: ScanIndex): void {
  for (const finding of scan.byIdentity.values()) void finding.digest;
}

/**
 * The ids of the stored heads without a body whose body `reconcileFindings` will read: the open
 * findings the scan sees again with another body (to list the fields that changed).
 */
export function bodiesToLoad(stored: readonly StoredFindingHead[], scan: ScanIndex): string[] {
  const ids: string[] = [];
  for (const [key, { open }] of storedByIdentity(stored)) {
    if (!open || open.body !== undefined) continue;
    const scanned = scan.byIdentity.get(key);
    if (scanned && scanned.digest !== open.bodyDigest) ids.push(open.id);
  }
  return ids.sort();
}

/**
 * The ids of the open stored findings whose identity the scan holds: every finding the scan
 * observes, unchanged or not (`reconcileFindings` lists the unchanged ones in `seen` and gives the
 * others as `updated`, each with lastObservedAt = now). Known before any body is compared, so a
 * push can move their lastObservedAt while it compares.
 */
export function observedByScan(stored: readonly StoredFindingHead[], scan: ScanIndex): string[] {
  const ids: string[] = [];
  for (const [key, { open }] of storedByIdentity(stored)) if (open && scan.byIdentity.has(key)) ids.push(open.id);
  return ids.sort();
}

/** The scan findings by identity, one per identity (smallest purl, then canonical form, wins). */
function scanByIdentity(resource: ResourceFacts, type: FindingType, scanned: readonly Finding[]): Map<string, Finding> {
  const byKey = new Map<string, Finding>();
  for (const finding of scanned) {
    const key = identityKey({
      accountId: resource.accountId,
      resourceId: resource.resourceId,
      type,
      vulnerabilityId: finding.vulnerabilityId,
      packageEcosystem: finding.package.ecosystem,
      packageName: finding.package.name,
      filePath: findingFilePath(finding),
    });
    const kept = byKey.get(key);
    if (!kept || finding.package.purl < kept.package.purl || (finding.package.purl === kept.package.purl && canonical(finding) < canonical(kept))) byKey.set(key, finding);
  }
  return byKey;
}

interface StoredByIdentity<Head extends StoredFindingHead> {
  /** The ACTIVE or SUPPRESSED finding (the newest one, if a broken store holds several). */
  open?: Head;
  /** The most recently closed finding. */
  closed?: Head;
}

/** `storedByIdentity` of the lists it was asked for (bodiesToLoad and reconcileFindings read one list's). */
const storedIndexes = new WeakMap<readonly StoredFindingHead[], Map<string, StoredByIdentity<StoredFindingHead>>>();

function storedByIdentity<Head extends StoredFindingHead>(stored: readonly Head[]): Map<string, StoredByIdentity<Head>> {
  const known = storedIndexes.get(stored);
  if (known) return known as Map<string, StoredByIdentity<Head>>;
  const byKey = new Map<string, StoredByIdentity<Head>>();
  storedIndexes.set(stored, byKey);
  for (const finding of stored) {
    const key = storedIdentityKey(finding);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = {}));
    if (finding.status === 'CLOSED') {
      if (!entry.closed || timeOf(finding.closedAt, 'closedAt') > timeOf(entry.closed.closedAt ?? '', 'closedAt')) entry.closed = finding;
    } else if (!entry.open || finding.firstObservedAt > entry.open.firstObservedAt) {
      entry.open = finding;
    }
  }
  return byKey;
}

function matchingRules(candidate: StoredFinding, resource: ResourceFacts, rules: readonly SuppressionRule[]): string[] {
  return rules.filter((rule) => rule.matches(candidate, resource)).map((rule) => rule.id).sort();
}

function event(type: FindingEventType, finding: StoredFindingHead, at: string, payload: Record<string, unknown>): FindingEvent {
  return { type, findingId: finding.id, accountId: finding.accountId, resourceId: finding.resourceId, at, payload };
}

function summary(finding: StoredFinding): Record<string, unknown> {
  return {
    status: finding.status,
    vulnerabilityId: finding.body.vulnerabilityId,
    severity: finding.body.severity,
    vigilScore: finding.vigilScore,
    package: { ecosystem: finding.packageEcosystem, name: finding.packageName, version: finding.body.package.version },
    ...(finding.status === 'SUPPRESSED' ? { suppressedBy: finding.suppressedBy } : {}),
  };
}

/**
 * An open finding's suppression changed: SUPPRESSED (also when it stays suppressed by another set
 * of rules, with the new list) or UNSUPPRESSED.
 */
function suppressionEvent(before: StoredFindingHead, after: StoredFinding, at: string): FindingEvent {
  return after.status === 'SUPPRESSED'
    ? event('FINDING_SUPPRESSED', after, at, { suppressedBy: after.suppressedBy, ...(before.status === 'SUPPRESSED' ? { previouslySuppressedBy: before.suppressedBy } : {}) })
    : event('FINDING_UNSUPPRESSED', after, at, { previouslySuppressedBy: before.suppressedBy });
}

function closedVersion<T extends StoredFindingHead>(finding: T, now: string, reason: CloseReason): T {
  return { ...finding, status: 'CLOSED', closedAt: now, closeReason: reason, updatedAt: now, suppressedBy: [] };
}

export function reconcileFindings<Head extends StoredFindingHead>(input: ReconcileInput<Head>): ChangeSet<Head> {
  const { resource, now, newId } = input;
  const type = input.type ?? 'PACKAGE_VULNERABILITY';
  const windowMs = (input.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_DAYS) * DAY_MS;
  const nowMs = timeOf(now, 'now');
  for (const finding of input.stored) {
    if (finding.accountId !== resource.accountId || finding.resourceId !== resource.resourceId) {
      throw new RangeError(`stored finding ${finding.id} belongs to ${finding.accountId}/${finding.resourceId}, not ${resource.accountId}/${resource.resourceId}`);
    }
  }
  const changes = emptyChangeSet<Head>(now);
  const scan = 'byIdentity' in input.scanned ? input.scanned : indexScan(resource, input.scanned, type);
  if (scan.type !== type) throw new RangeError(`the scan index holds ${scan.type} findings, not ${type}`);
  const scanned = scan.byIdentity;
  const stored = storedByIdentity(input.stored);

  for (const key of [...scanned.keys()].sort()) {
    const entry = scanned.get(key)!;
    const { body } = entry;
    const { score, adjustments } = vigilScore(body);
    const { open, closed } = stored.get(key) ?? {};
    const base = open ?? (closed && nowMs - timeOf(closed.closedAt ?? '', 'closedAt') <= windowMs ? closed : undefined);
    // What changed in an open finding's body and score, worked out once (its diff can be long).
    const fields = open ? changedFields(open, entry, score, input.loadedBodies) : [];
    // Most findings of a push: open, seen again unchanged, and no rules to evaluate.
    if (open && input.suppressionRules.length === 0 && open.status === 'ACTIVE' && open.suppressedBy.length === 0 && fields.length === 0) {
      changes.seen.push(open.id);
      changes.unchanged++;
      continue;
    }
    // The finding as it would be when ACTIVE, to evaluate the suppression rules on.
    const candidate: StoredFinding = {
      id: base?.id ?? '',
      accountId: resource.accountId,
      region: resource.region,
      resourceId: resource.resourceId,
      resourceType: resource.resourceType,
      type,
      packageEcosystem: body.package.ecosystem,
      packageName: body.package.name,
      filePath: findingFilePath(body),
      firstObservedAt: base?.firstObservedAt ?? now,
      lastObservedAt: now,
      updatedAt: now,
      vigilScore: score,
      scoreAdjustments: adjustments,
      suppressedBy: [],
      body,
      status: 'ACTIVE',
      closedAt: null,
      closeReason: null,
    };
    const suppressedBy = matchingRules(candidate, resource, input.suppressionRules);
    const next: StoredFinding = suppressedBy.length > 0 ? { ...candidate, status: 'SUPPRESSED', suppressedBy } : candidate;

    if (!base) {
      const created: StoredFinding = { ...next, id: newId() };
      changes.created.push(created);
      changes.events.push(event('FINDING_CREATED', created, now, summary(created)));
    } else if (base.status === 'CLOSED') {
      changes.reopened.push(next);
      changes.events.push(event('FINDING_REOPENED', next, now, { ...summary(next), closedAt: base.closedAt }));
    } else {
      // base is the open finding here: a CLOSED base is reopened above.
      const statusChanged = base.status !== next.status || !sameIds(base.suppressedBy, next.suppressedBy);
      if (fields.length === 0 && !statusChanged) {
        changes.seen.push(base.id);
        changes.unchanged++;
        continue;
      }
      // Keep the identity columns as first stored: a name respelled in the same ecosystem is the same finding.
      const updated: StoredFinding = { ...next, packageEcosystem: base.packageEcosystem, packageName: base.packageName };
      changes.updated.push(updated);
      if (fields.length > 0) changes.events.push(event('FINDING_UPDATED', updated, now, { changed: fields, ...summary(updated) }));
      if (statusChanged) changes.events.push(suppressionEvent(base, updated, now));
    }
  }

  for (const key of [...stored.keys()].sort()) {
    const { open } = stored.get(key)!;
    if (!open || scanned.has(key)) continue;
    const closed = closedVersion(open, now, 'NOT_OBSERVED');
    changes.closed.push(closed);
    changes.events.push(event('FINDING_CLOSED', closed, now, { reason: 'NOT_OBSERVED', previousStatus: open.status, vulnerabilityId: storedVulnerabilityId(open) }));
  }
  return changes;
}

/** The resource was deleted: every open finding is closed, marked so it is purged sooner. */
export function closeAllForDeletedResource<Head extends StoredFindingHead>(stored: readonly Head[], now: string): ChangeSet<Head> {
  timeOf(now, 'now');
  const changes = emptyChangeSet<Head>(now);
  for (const finding of [...stored].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (finding.status === 'CLOSED') continue;
    const closed = closedVersion(finding, now, 'RESOURCE_DELETED');
    changes.closed.push(closed);
    changes.events.push(event('FINDING_CLOSED', closed, now, { reason: 'RESOURCE_DELETED', previousStatus: finding.status, vulnerabilityId: storedVulnerabilityId(finding) }));
  }
  return changes;
}

/**
 * A suppression rule was created, edited or deleted: open findings are evaluated again against
 * the current rules; nothing else about them changes (lastObservedAt stays: no scan saw them).
 */
export function reevaluateSuppression(input: { stored: readonly StoredFinding[]; resourceOf: (finding: StoredFinding) => ResourceFacts; suppressionRules: readonly SuppressionRule[]; now: string }): ChangeSet<StoredFinding> {
  const { now } = input;
  timeOf(now, 'now');
  const changes = emptyChangeSet<StoredFinding>(now);
  for (const finding of [...input.stored].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (finding.status === 'CLOSED') continue;
    const candidate: StoredFinding = { ...finding, status: 'ACTIVE', suppressedBy: [] };
    const suppressedBy = matchingRules(candidate, input.resourceOf(finding), input.suppressionRules);
    const status = suppressedBy.length > 0 ? 'SUPPRESSED' : 'ACTIVE';
    if (status === finding.status && sameIds(suppressedBy, finding.suppressedBy)) continue;
    const updated: StoredFinding = { ...finding, status, suppressedBy, updatedAt: now };
    changes.updated.push(updated);
    changes.events.push(suppressionEvent(finding, updated, now));
  }
  return changes;
}

/** The stored findings after a change set: what the store's transaction must leave behind. */
export function applyChangeSet<Head extends StoredFindingHead>(stored: readonly Head[], changes: ChangeSet<Head>): Array<Head | StoredFinding> {
  const byId = new Map<string, Head | StoredFinding>(stored.map((finding) => [finding.id, finding]));
  const seen = new Set(changes.seen);
  for (const [id, finding] of byId) if (seen.has(id)) byId.set(id, { ...finding, lastObservedAt: changes.observedAt });
  for (const finding of [...changes.updated, ...changes.closed, ...changes.reopened, ...changes.created]) byId.set(finding.id, finding);
  return [...byId.values()];
}

export interface RetentionPolicy {
  /** Days a CLOSED finding is kept (30). */
  closedDays: number;
  /** Days a finding closed because its resource was deleted is kept (3). */
  deletedResourceDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { closedDays: 30, deletedResourceDays: 3 };

/** Ids of CLOSED findings to purge: closed at least the policy's days ago. */
export function purgeable(findings: readonly StoredFinding[], now: string, policy: RetentionPolicy = DEFAULT_RETENTION): string[] {
  const nowMs = timeOf(now, 'now');
  return findings
    .filter((finding) => {
      if (finding.status !== 'CLOSED') return false;
      const days = finding.closeReason === 'RESOURCE_DELETED' ? policy.deletedResourceDays : policy.closedDays;
      return nowMs - timeOf(finding.closedAt, 'closedAt') >= days * DAY_MS;
    })
    .map((finding) => finding.id);
}
