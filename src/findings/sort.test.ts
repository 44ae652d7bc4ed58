import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factNames, host, scanFinding, storedFinding } from '../../test/harness/findings.js';
import type { StoredFinding } from './model.js';
import { decodeCursor, encodeCursor, pageFindings, sortFields, sortFindings, type SortCriteria } from './sort.js';

const list: StoredFinding[] = [
  storedFinding('a', scanFinding('lodash'), host, { firstObservedAt: '2024-05-03T00:00:00Z' }),
  storedFinding('b', scanFinding('log4shell'), host, { firstObservedAt: '2024-05-01T00:00:00Z' }),
  storedFinding('c', scanFinding('rapidReset', { score: null, epss: null }), host, { firstObservedAt: '2024-05-02T00:00:00Z' }),
  storedFinding('d', scanFinding('heartbleed'), host, { firstObservedAt: '2024-05-01T00:00:00Z' }),
  storedFinding('e', scanFinding('log4jFollowUp'), host, { firstObservedAt: '2024-05-04T00:00:00Z' }),
];
const ids = (findings: StoredFinding[]) => findings.map((f) => f.id).join(' ');

describe('sortFindings', () => {
  it.each<[SortCriteria['field'], SortCriteria['sortOrder'], string]>([
    ['SEVERITY', 'DESC', 'e b d c a'],
    ['SEVERITY', 'ASC', 'a c d b e'],
    // c has no Vigil score and no EPSS score: last in both orders.
    ['VIGIL_SCORE', 'DESC', 'e b d a c'],
    ['VIGIL_SCORE', 'ASC', 'a d b e c'],
    // d and b tie on EPSS (0.99999): the id breaks it, in the same direction; e and c have none.
    ['EPSS_SCORE', 'DESC', 'd b a e c'],
    ['FIRST_OBSERVED_AT', 'ASC', 'b d c a e'],
    ['FIRST_OBSERVED_AT', 'DESC', 'e a c d b'],
    ['VULNERABILITY_ID', 'ASC', 'd a b e c'],
  ])('%s %s', (field, sortOrder, expected) => {
    expect(ids(sortFindings(list, { field, sortOrder }))).toBe(expected);
  });
});

describe('cursors', () => {
  it('round-trips a cursor', () => {
    const cursor = { sort: { field: 'VIGIL_SCORE', sortOrder: 'DESC' } as const, value: 8.5, id: 'd' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual({ ok: true, cursor });
  });

  it.each<[string, unknown]>([
    ['not a string', 42],
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['base64 of no JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of another shape', Buffer.from('{"v":1}').toString('base64url')],
    ['an unknown sort field', Buffer.from('{"v":1,"f":"TITLE","o":"ASC","k":"x","i":"a"}').toString('base64url')],
    ['a string value for a number sort', Buffer.from('{"v":1,"f":"VIGIL_SCORE","o":"ASC","k":"x","i":"a"}').toString('base64url')],
    ['far too long', 'a'.repeat(5000)],
  ])('refuses a token that is %s', (_label, token) => {
    expect(decodeCursor(token)).toMatchObject({ ok: false, error: { code: 'INVALID_NEXT_TOKEN' } });
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json().map((j) => Buffer.from(j).toString('base64url'))), (token) => {
      expect(typeof decodeCursor(token).ok).toBe('boolean');
    }));
  });

  it('refuses a token made for another sort', () => {
    const first = pageFindings(list, { sort: { field: 'SEVERITY', sortOrder: 'DESC' }, maxResults: 2 });
    expect(first.ok && first.nextToken).toBeTruthy();
    if (!first.ok || !first.nextToken) return;
    expect(pageFindings(list, { sort: { field: 'SEVERITY', sortOrder: 'ASC' }, nextToken: first.nextToken })).toMatchObject({ ok: false, error: { code: 'INVALID_NEXT_TOKEN' } });
  });
});

describe('pageFindings', () => {
  const arbFindings = fc
    .uniqueArray(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 3 }), fact: fc.constantFrom(...factNames), day: fc.integer({ min: 1, max: 3 }), noScore: fc.boolean() }),
      { selector: (r) => r.id, maxLength: 30 },
    )
    .map((rows) => rows.map((r) => storedFinding(r.id, scanFinding(r.fact, r.noScore ? { score: null, epss: null } : {}), host, { firstObservedAt: `2024-05-0${r.day}T00:00:00Z` })));

  it('walks every finding exactly once, in sorted order, whatever the page size and sort', () => {
    fc.assert(
      fc.property(arbFindings, fc.constantFrom(...sortFields), fc.constantFrom('ASC' as const, 'DESC' as const), fc.integer({ min: 1, max: 7 }), (findings, field, sortOrder, maxResults) => {
        const sort = { field, sortOrder };
        const walked: StoredFinding[] = [];
        let nextToken: string | null = null;
        let pages = 0;
        do {
          const page = pageFindings(findings, { sort, maxResults, nextToken });
          if (!page.ok) throw new Error(page.error.message);
          expect(page.findings.length).toBeLessThanOrEqual(maxResults);
          walked.push(...page.findings);
          nextToken = page.nextToken;
          pages++;
        } while (nextToken && pages < 100);
        expect(ids(walked)).toBe(ids(sortFindings(findings, sort)));
      }),
    );
  });

  it('caps a page at 100', () => {
    const many = Array.from({ length: 150 }, (_, i) => storedFinding(`id-${String(i).padStart(3, '0')}`, scanFinding('lodash')));
    const page = pageFindings(many, { maxResults: 500 });
    expect(page.ok && page.findings.length).toBe(100);
  });
});
