import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbScan, closedFinding, counterIds, host, scanFinding, storedFinding } from '../../test/harness/findings.js';
import { compileCriteria, parseCriteria } from './criteria.js';
import { bodyDigest } from './body-digest.js';
import type { StoredFinding, StoredFindingHead } from './model.js';
import { storedIdentityKey } from './model.js';
import {
  applyChangeSet,
  bodiesToLoad,
  observedByScan,
  closeAllForDeletedResource,
  indexScan,
  purgeable,
  reconcileFindings,
  reevaluateSuppression,
  type ChangeSet,
  type SuppressionRule,
} from './reconcile.js';

const T0 = '2024-05-01T10:00:00.000Z';
const later = (days: number, from = T0): string => new Date(Date.parse(from) + days * 86_400_000).toISOString();

function rule(id: string, criteria: unknown): SuppressionRule {
  const parsed = parseCriteria(criteria);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { id, matches: compileCriteria(parsed.criteria) };
}

/** Runs one scan against a store held in a variable, as the service would. */
function scanner(rules: SuppressionRule[] = []) {
  let stored: StoredFinding[] = [];
  const newId = counterIds();
  return {
    scan(scanned: ReturnType<typeof scanFinding>[], now: string, suppressionRules = rules): ChangeSet {
      const changes = reconcileFindings({ resource: host, stored, scanned, suppressionRules, now, newId });
      stored = applyChangeSet(stored, changes);
      return changes;
    },
    get stored() {
      return stored;
    },
  };
}

const counts = (c: ChangeSet) => ({ created: c.created.length, updated: c.updated.length, closed: c.closed.length, reopened: c.reopened.length, unchanged: c.unchanged });
const eventTypes = (c: ChangeSet) => c.events.map((e) => `${e.type} ${e.findingId}`);

describe('reconcileFindings: the lifecycle', () => {
  it('creates ACTIVE findings on first detection, with all three times at the scan', () => {
    const s = scanner();
    const c = s.scan([scanFinding('log4shell'), scanFinding('lodash')], T0);
    expect(counts(c)).toEqual({ created: 2, updated: 0, closed: 0, reopened: 0, unchanged: 0 });
    for (const f of c.created) {
      expect(f).toMatchObject({ status: 'ACTIVE', firstObservedAt: T0, lastObservedAt: T0, updatedAt: T0, closedAt: null });
    }
    expect(c.events.map((e) => e.type)).toEqual(['FINDING_CREATED', 'FINDING_CREATED']);
    expect(c.events[0]!.payload).toMatchObject({ status: 'ACTIVE' });
  });

  it('moves only lastObservedAt when a scan sees a finding unchanged, with no event', () => {
    const s = scanner();
    s.scan([scanFinding('log4shell')], T0);
    const c = s.scan([scanFinding('log4shell')], later(1));
    expect(counts(c)).toEqual({ created: 0, updated: 0, closed: 0, reopened: 0, unchanged: 1 });
    expect(c.events).toEqual([]);
    expect(s.stored[0]).toMatchObject({ firstObservedAt: T0, lastObservedAt: later(1), updatedAt: T0 });
  });

  it('updates the same finding when the installed version changes and it is still vulnerable', () => {
    const s = scanner();
    const first = s.scan([scanFinding('log4shell', { version: '2.14.1' })], T0).created[0]!;
    const c = s.scan([scanFinding('log4shell', { version: '2.14.0' })], later(1));
    expect(counts(c)).toMatchObject({ created: 0, updated: 1 });
    expect(c.updated[0]!.id).toBe(first.id);
    expect(c.updated[0]).toMatchObject({ firstObservedAt: T0, lastObservedAt: later(1), updatedAt: later(1) });
    expect(c.events).toEqual([expect.objectContaining({ type: 'FINDING_UPDATED', findingId: first.id, payload: expect.objectContaining({ changed: ['evidence', 'package'] }) })]);
  });

  it('updates when enrichment changes (EPSS) and says which field', () => {
    const s = scanner();
    s.scan([scanFinding('lodash')], T0);
    const c = s.scan([scanFinding('lodash', { epss: { score: 0.3, percentile: 0.98 } })], later(1));
    expect(c.events[0]!.payload.changed).toEqual(['epss']);
  });

  it('closes a finding the scan no longer sees', () => {
    const s = scanner();
    const id = s.scan([scanFinding('log4shell'), scanFinding('lodash')], T0).created.find((f) => f.packageName !== 'lodash')!.id;
    const c = s.scan([scanFinding('lodash')], later(1));
    expect(counts(c)).toEqual({ created: 0, updated: 0, closed: 1, reopened: 0, unchanged: 1 });
    expect(c.closed[0]).toMatchObject({ id, status: 'CLOSED', closedAt: later(1), updatedAt: later(1), closeReason: 'NOT_OBSERVED' });
    expect(c.events.map((e) => e.type)).toEqual(['FINDING_CLOSED']);
  });

  it.each([
    ['1 day', 'reopened', 1],
    ['exactly 7 days', 'reopened', 7],
    ['7 days and a second', 'created anew', 7 + 1 / 86_400],
    ['30 days', 'created anew', 30],
  ])('a finding recurring %s after closing is %s', (_label, outcome, days) => {
    const s = scanner();
    const original = s.scan([scanFinding('heartbleed')], T0).created[0]!;
    s.scan([], later(1));
    const c = s.scan([scanFinding('heartbleed')], later(days, later(1)));
    if (outcome === 'reopened') {
      expect(counts(c)).toMatchObject({ reopened: 1, created: 0 });
      expect(c.reopened[0]).toMatchObject({ id: original.id, status: 'ACTIVE', firstObservedAt: T0, closedAt: null, closeReason: null });
      expect(c.events).toEqual([expect.objectContaining({ type: 'FINDING_REOPENED', findingId: original.id, payload: expect.objectContaining({ closedAt: later(1) }) })]);
    } else {
      expect(counts(c)).toMatchObject({ reopened: 0, created: 1 });
      expect(c.created[0]!.id).not.toBe(original.id);
      expect(s.stored.find((f) => f.id === original.id)).toMatchObject({ status: 'CLOSED' });
    }
  });

  it('reopens the most recent closed finding when several closed ones share an identity', () => {
    const body = scanFinding('lodash');
    const old = closedFinding(storedFinding('old', body), later(-40));
    const recent = closedFinding(storedFinding('recent', body), later(-2));
    const c = reconcileFindings({ resource: host, stored: [old, recent], scanned: [body], suppressionRules: [], now: T0, newId: counterIds() });
    expect(c.reopened.map((f) => f.id)).toEqual(['recent']);
  });

  it('suppresses while a rule matches and restores when it no longer does', () => {
    const s = scanner();
    const byVuln = rule('r-lodash', { vulnerabilityId: [{ comparison: 'EQUALS', value: 'CVE-2021-23337' }] });
    const created = s.scan([scanFinding('lodash')], T0, [byVuln]).created[0]!;
    expect(created).toMatchObject({ status: 'SUPPRESSED', suppressedBy: ['r-lodash'] });
    const again = s.scan([scanFinding('lodash')], later(1), [byVuln]);
    expect(again.events).toEqual([]);
    const lifted = s.scan([scanFinding('lodash')], later(2), []);
    expect(lifted.updated[0]).toMatchObject({ status: 'ACTIVE', suppressedBy: [], updatedAt: later(2) });
    expect(eventTypes(lifted)).toEqual([`FINDING_UNSUPPRESSED ${created.id}`]);
    const back = s.scan([scanFinding('lodash')], later(3), [byVuln]);
    expect(eventTypes(back)).toEqual([`FINDING_SUPPRESSED ${created.id}`]);
  });

  it('suppression rules see the finding as ACTIVE, and a rule on resource tags works', () => {
    const s = scanner();
    const prod = rule('r-prod', { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] });
    expect(s.scan([scanFinding('log4shell')], T0, [prod]).created[0]!.status).toBe('SUPPRESSED');
  });

  it('closes a SUPPRESSED finding the scan no longer sees', () => {
    const s = scanner([rule('r', { severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] })]);
    s.scan([scanFinding('log4shell')], T0);
    const c = s.scan([], later(1));
    expect(c.closed[0]).toMatchObject({ status: 'CLOSED', suppressedBy: [] });
    expect(c.events[0]!.payload).toMatchObject({ previousStatus: 'SUPPRESSED' });
  });

  it('collapses two versions of one package in one file into one finding, whatever their order', () => {
    const a = scanFinding('lodash', { version: '4.17.15' });
    const b = scanFinding('lodash', { version: '4.17.20' });
    const one = reconcileFindings({ resource: host, stored: [], scanned: [a, b], suppressionRules: [], now: T0, newId: counterIds() });
    const two = reconcileFindings({ resource: host, stored: [], scanned: [b, a], suppressionRules: [], now: T0, newId: counterIds() });
    expect(one.created).toHaveLength(1);
    expect(one).toEqual(two);
    expect(one.created[0]!.body.package.version).toBe('4.17.15');
  });

  it('keeps one finding per file path: the same package in two files is two findings', () => {
    const c = reconcileFindings({ resource: host, stored: [], scanned: [scanFinding('lodash'), scanFinding('lodash', { path: '/srv/admin/package-lock.json' })], suppressionRules: [], now: T0, newId: counterIds() });
    expect(c.created).toHaveLength(2);
  });

  it('records the Vigil score and its adjustment on the stored finding', () => {
    const c = reconcileFindings({ resource: host, stored: [], scanned: [scanFinding('heartbleed')], suppressionRules: [], now: T0, newId: counterIds() });
    expect(c.created[0]).toMatchObject({ vigilScore: 8.5, scoreAdjustments: [{ metric: 'EXPLOIT_KNOWN' }] });
  });

  it('refuses stored findings of another resource', () => {
    const other = storedFinding('x', scanFinding('lodash'), { ...host, resourceId: 'host-db-1' });
    expect(() => reconcileFindings({ resource: host, stored: [other], scanned: [], suppressionRules: [], now: T0, newId: counterIds() })).toThrow(/host-db-1/);
  });
});

describe('reconcileFindings: properties', () => {
  const arbRules = fc.subarray([
    rule('crit', { severity: [{ comparison: 'EQUALS', value: 'CRITICAL' }] }),
    rule('npm', { packageEcosystem: [{ comparison: 'EQUALS', value: 'npm' }] }),
  ]);

  it('is idempotent: the same scan applied twice gives no change the second time', () => {
    fc.assert(
      fc.property(arbScan, arbScan, arbRules, (before, scan, rules) => {
        const s = scanner();
        s.scan(before, T0, rules);
        s.scan(scan, later(1), rules);
        const again = s.scan(scan, later(2), rules);
        expect(counts(again)).toMatchObject({ created: 0, updated: 0, closed: 0, reopened: 0 });
        expect(again.events).toEqual([]);
        expect(again.unchanged).toBe(new Set(s.stored.filter((f) => f.status !== 'CLOSED').map(storedIdentityKey)).size);
      }),
    );
  });

  it('leaves exactly one open finding per scanned identity and none for the rest', () => {
    fc.assert(
      fc.property(fc.array(arbScan, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 5, maxLength: 5 }), (scans, gaps) => {
        const s = scanner();
        let now = T0;
        scans.forEach((scan, i) => {
          now = later(gaps[i]!, now);
          const c = s.scan(scan, now);
          const distinct = new Set(c.created.concat(c.updated, c.reopened).map((f) => f.id)).size + c.unchanged;
          expect(c.created.length + c.updated.length + c.reopened.length + c.unchanged).toBe(distinct);
          expect(c.events.length).toBeGreaterThanOrEqual(c.created.length + c.closed.length + c.reopened.length);
          const open = s.stored.filter((f) => f.status !== 'CLOSED');
          const openKeys = open.map(storedIdentityKey);
          expect(new Set(openKeys).size).toBe(openKeys.length);
          expect(open.every((f) => f.lastObservedAt === now)).toBe(true);
          expect(s.stored.every((f) => f.firstObservedAt <= f.lastObservedAt && f.updatedAt <= now)).toBe(true);
          expect(new Set(s.stored.map((f) => f.id)).size).toBe(s.stored.length);
        });
      }),
    );
  });

  it('does not depend on the order of the scan or of the stored findings', () => {
    fc.assert(
      fc.property(arbScan, arbScan, fc.integer(), (before, scan, seed) => {
        const s = scanner();
        s.scan(before, T0);
        const shuffle = <T>(list: readonly T[]) => [...list].map((x, i) => ({ x, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map(({ x }) => x);
        const run = (stored: StoredFinding[], scanned: typeof scan) => reconcileFindings({ resource: host, stored, scanned, suppressionRules: [], now: later(1), newId: counterIds('n') });
        expect(run(shuffle(s.stored), shuffle(scan))).toEqual(run(s.stored, scan));
      }),
    );
  });
});

describe('observedByScan', () => {
  it('names exactly the findings a reconcile leaves open and observed now: seen unchanged or updated', () => {
    fc.assert(
      fc.property(arbScan, arbScan, arbScan, fc.integer({ min: 0, max: 10 }), (first, before, scan, gap) => {
        const s = scanner();
        s.scan(first, T0);
        s.scan(before, later(1));
        const now = later(1 + gap);
        const changes = reconcileFindings({ resource: host, stored: s.stored, scanned: scan, suppressionRules: [], now, newId: counterIds('n') });
        expect(observedByScan(s.stored, indexScan(host, scan))).toEqual([...changes.seen, ...changes.updated.map((f) => f.id)].sort());
      }),
    );
  });
});

describe('reconcileFindings on heads: bodies compared by digest', () => {
  /** A stored finding as a store hands it back without its body. */
  const headOf = (f: StoredFinding): StoredFindingHead => {
    const { body, ...rest } = f;
    return { ...rest, body: undefined, bodyDigest: bodyDigest(JSON.stringify(body)), vulnerabilityId: body.vulnerabilityId };
  };
  // Closed findings are handed back as given: heads here, whole records there.
  const comparable = (c: ChangeSet) => ({ ...c, closed: c.closed.map((f) => [f.id, f.status, f.closedAt]) });

  it('gives what the whole records give, reading only the bodies bodiesToLoad names', () => {
    fc.assert(
      fc.property(arbScan, arbScan, fc.integer({ min: 0, max: 10 }), (before, scan, gap) => {
        const s = scanner();
        s.scan(before, T0);
        const now = later(gap);
        const whole = reconcileFindings({ resource: host, stored: s.stored, scanned: scan, suppressionRules: [], now, newId: counterIds('n') });
        const index = indexScan(host, scan);
        const heads = s.stored.map(headOf);
        const load = new Set(bodiesToLoad(heads, index));
        const byId = new Map(s.stored.map((f) => [f.id, f]));
        // Named: exactly the open findings seen again with another body.
        for (const id of load) expect(whole.updated.some((f) => f.id === id) || whole.events.some((e) => e.findingId === id)).toBe(true);
        const loaded = heads.map((h) => (load.has(h.id) ? byId.get(h.id)! : h));
        const fromHeads = reconcileFindings({ resource: host, stored: loaded, scanned: index, suppressionRules: [], now, newId: counterIds('n') });
        expect(comparable(fromHeads)).toEqual(comparable(whole));
      }),
    );
  });

  it('says so when a changed body it needs was not loaded', () => {
    const stored = storedFinding('a', scanFinding('log4shell', { version: '2.14.1' }));
    const scan = [scanFinding('log4shell', { version: '2.15.0' })];
    expect(bodiesToLoad([headOf(stored)], indexScan(host, scan))).toEqual(['a']);
    expect(() => reconcileFindings({ resource: host, stored: [headOf(stored)], scanned: scan, suppressionRules: [], now: later(1), newId: counterIds('n') })).toThrow(/not loaded/);
    // Unchanged: nothing to load, and the head is seen.
    expect(bodiesToLoad([headOf(stored)], indexScan(host, [stored.body]))).toEqual([]);
    expect(reconcileFindings({ resource: host, stored: [headOf(stored)], scanned: [stored.body], suppressionRules: [], now: later(1), newId: counterIds('n') }).seen).toEqual(['a']);
  });
});

describe('closeAllForDeletedResource', () => {
  it('closes every open finding with RESOURCE_DELETED and leaves closed ones alone', () => {
    const open = storedFinding('a', scanFinding('lodash'));
    const suppressed = storedFinding('b', scanFinding('log4shell'), host, { status: 'SUPPRESSED', suppressedBy: ['r'] });
    const closed = closedFinding(storedFinding('c', scanFinding('heartbleed')), later(-1));
    const c = closeAllForDeletedResource([closed, suppressed, open], T0);
    expect(c.closed.map((f) => [f.id, f.status, f.closeReason, f.closedAt])).toEqual([
      ['a', 'CLOSED', 'RESOURCE_DELETED', T0],
      ['b', 'CLOSED', 'RESOURCE_DELETED', T0],
    ]);
    expect(c.events.map((e) => [e.type, e.payload.reason])).toEqual([
      ['FINDING_CLOSED', 'RESOURCE_DELETED'],
      ['FINDING_CLOSED', 'RESOURCE_DELETED'],
    ]);
  });
});

describe('reevaluateSuppression', () => {
  it('applies a new rule to open findings and lifts a deleted one, without touching lastObservedAt', () => {
    const lodash = storedFinding('a', scanFinding('lodash'));
    const log4j = storedFinding('b', scanFinding('log4shell'), host, { status: 'SUPPRESSED', suppressedBy: ['old'] });
    const npmRule = rule('npm', { packageEcosystem: [{ comparison: 'EQUALS', value: 'npm' }] });
    const c = reevaluateSuppression({ stored: [lodash, log4j], resourceOf: () => host, suppressionRules: [npmRule], now: T0 });
    expect(c.updated.map((f) => [f.id, f.status, f.suppressedBy, f.lastObservedAt === lodash.lastObservedAt])).toEqual([
      ['a', 'SUPPRESSED', ['npm'], true],
      ['b', 'ACTIVE', [], true],
    ]);
    expect(eventTypes(c)).toEqual(['FINDING_SUPPRESSED a', 'FINDING_UNSUPPRESSED b']);
    expect(reevaluateSuppression({ stored: applyChangeSet([lodash, log4j], c), resourceOf: () => host, suppressionRules: [npmRule], now: T0 }).events).toEqual([]);
  });
});

describe('purgeable', () => {
  const body = scanFinding('lodash');
  it.each([
    ['closed 29 days ago', false, closedFinding(storedFinding('x', body), later(-29))],
    ['closed 30 days ago', true, closedFinding(storedFinding('x', body), later(-30))],
    ['resource deleted 2 days ago', false, closedFinding(storedFinding('x', body), later(-2), 'RESOURCE_DELETED')],
    ['resource deleted 3 days ago', true, closedFinding(storedFinding('x', body), later(-3), 'RESOURCE_DELETED')],
    ['active for a year', false, storedFinding('x', body, host, { firstObservedAt: later(-365) })],
  ])('%s: purged %s', (_label, expected, finding) => {
    expect(purgeable([finding], T0)).toEqual(expected ? ['x'] : []);
  });

  it('takes its days from the policy', () => {
    const finding = closedFinding(storedFinding('x', body), later(-10));
    expect(purgeable([finding], T0, { closedDays: 7, deletedResourceDays: 1 })).toEqual(['x']);
  });
});
