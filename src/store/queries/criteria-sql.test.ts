import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { FindingId } from '../ids.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest } from '../migrations/index.js';
import type { FindingWrite } from '../records.js';
import type { StoreDatabase } from '../schema.js';
import { criteriaCondition, prefixUpperBound } from './criteria-sql.js';

/** Code point order: the order of UTF-8 bytes, which SQLite's BINARY and PostgreSQL's "C" collations compare. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('prefixUpperBound', () => {
  it.each([
    ['CVE-2024', 'CVE-2025'],
    ['a%', 'a&'],
    ['a_', 'a`'],
    ['a\u{10FFFF}', 'b'],
    ['\uD7FF', '\uE000'],
    ['😀', '😁'],
    ['\u{10FFFF}\u{10FFFF}', undefined],
    ['a\uD800', undefined],
  ])('%j → %j', (prefix, upper) => {
    expect(prefixUpperBound(prefix)).toBe(upper);
  });

  it('bounds exactly the strings that start with the prefix, in code point order', () => {
    const text = fc.string({ unit: 'binary', maxLength: 4 });
    fc.assert(
      fc.property(text, text, text, (prefix, middle, rest) => {
        fc.pre(prefix.length > 0);
        const upper = prefixUpperBound(prefix);
        fc.pre(upper !== undefined);
        for (const candidate of [prefix + middle, middle, prefix.slice(0, -1) + middle + rest, middle + prefix, upper!, upper! + rest]) {
          const inRange = compareCodePoints(candidate, prefix) >= 0 && compareCodePoints(candidate, upper!) < 0;
          expect(inRange, JSON.stringify({ prefix, candidate, upper })).toBe(candidate.startsWith(prefix));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the two spellings of resourceTags', () => {
  it('select the same findings', async () => {
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    const store = createKyselyStore(db, 'sqlite');
    const account = await store.createAccount({ name: 'a', region: 'eu-west-1' });
    const tagSets: Record<string, string>[] = [{}, { env: 'prod' }, { env: '' }, { env: 'Prod', team: 'a%' }, { team: 'a_' }, { env: 'dev', team: 'web' }];
    const writes: FindingWrite[] = [];
    for (const tags of tagSets) {
      const resource = await store.createResource({ accountId: account.id, region: 'eu-west-1', name: JSON.stringify(tags), type: 'HOST', details: {}, tags });
      writes.push({
        id: `fnd-${writes.length}` as FindingId,
        accountId: account.id,
        region: 'eu-west-1',
        resourceId: resource.id,
        resourceType: 'HOST' as const,
        status: 'ACTIVE' as const,
        closedAt: null,
        firstObservedAt: '2026-01-01T00:00:00.000Z',
        lastObservedAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        vigilScore: null,
        finding: {
          vulnerabilityId: 'CVE-1', aliases: [], title: 't', severity: 'HIGH' as const, score: null, scoreSource: '', cvss: [], epss: null, kev: null,
          exploitAvailable: 'NO' as const, fixAvailable: 'NO' as const, fixedInVersion: null, remediation: null,
          package: { ecosystem: 'npm', name: 'a', version: '1', purl: 'pkg:npm/a@1', type: 'npm' as const, locations: [] }, references: [], evidence: [],
        },
      });
    }
    await store.upsertFindings(writes);
    const entry = fc.record({ comparison: fc.constant('EQUALS' as const), key: fc.constantFrom('env', 'team', 'Env', 'none'), value: fc.option(fc.constantFrom('', 'prod', 'Prod', 'a%', 'a_', 'web'), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 3 }), async (raw) => {
        const tags = raw.map((t) => (t.value === undefined ? { comparison: t.comparison, key: t.key } : t));
        const ids = async (tagPlan: 'start-from-resources' | 'probe-each-finding') =>
          (await db.selectFrom('findings').select('findings.id').where((eb) => criteriaCondition(eb, 'sqlite', { resourceTags: tags }, { tagPlan })).orderBy('findings.id').execute()).map((r) => r.id);
        expect(await ids('probe-each-finding')).toEqual(await ids('start-from-resources'));
      }),
      { numRuns: 200 },
    );
    await store.close();
  });
});
