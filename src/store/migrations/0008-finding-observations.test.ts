import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseMigratedBefore } from '../../../test/harness/migrations.js';
import { postgresUnavailable } from '../../../test/harness/postgres.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest, type DialectName } from './index.js';

const pgSkip = await postgresUnavailable();
const dialects: Array<[DialectName, boolean]> = [
  ['sqlite', false],
  ['postgres', pgSkip !== undefined],
];

const T0 = '2026-03-01T10:00:00.000Z';
/** id, status, lastObservedAt, closedAt */
const stored: Array<[string, 'ACTIVE' | 'CLOSED', string, string | null]> = [
  ['fnd-1', 'ACTIVE', '2026-03-04T08:00:00.000Z', null],
  ['fnd-2', 'CLOSED', '2026-03-02T08:00:00.000Z', '2026-03-03T08:00:00.000Z'],
  ['fnd-3', 'ACTIVE', '2026-03-05T08:00:00.000Z', null],
];

describe.each(dialects)('0008-finding-observations on %s', (dialect, skip) => {
  it.skipIf(skip)('keeps when each finding stored before it was last observed, and search reads it there', async () => {
    const { db, close } = await databaseMigratedBefore(dialect, '0008');
    try {
      await sql`insert into accounts (id, name, region, created_at) values ('acct-1', 'a', 'eu-west-1', ${T0})`.execute(db);
      await sql`insert into resources (id, account_id, region, type, name, tags, details, created_at) values ('res-1', 'acct-1', 'eu-west-1', 'HOST', 'h', '{}', '{}', ${T0})`.execute(db);
      for (const [i, [id, status, lastObservedAt, closedAt]] of stored.entries()) {
        const vulnerabilityId = `CVE-2026-000${i + 1}`;
        const body = JSON.stringify({ vulnerabilityId, package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20' } });
        await sql`insert into findings (id, account_id, region, resource_id, resource_type, type, vulnerability_id, package_ecosystem, package_name, file_path, status,
            first_observed_at, last_observed_at, updated_at, closed_at, severity, score, epss_score, fix_available, exploit_available, vigil_score, score_adjustments,
            title, package_raw_name, package_version, package_epoch, severity_rank, body_digest)
          values (${id}, 'acct-1', 'eu-west-1', 'res-1', 'HOST', 'PACKAGE_VULNERABILITY', ${vulnerabilityId}, 'npm', 'lodash', '/app/package-lock.json', ${status},
            ${T0}, ${lastObservedAt}, ${closedAt ?? T0}, ${closedAt}, 'HIGH', 7.2, null, 'YES', 'NO', 7.2, '[]', 'Prototype pollution', 'lodash', '4.17.20', 0, 3, 'digest')`.execute(db);
        await sql`insert into finding_bodies (finding_id, finding) values (${id}, ${body})`.execute(db);
      }

      await migrateToLatest(db as Kysely<unknown>, dialect);
      expect(await db.selectFrom('finding_observations').selectAll().orderBy('finding_id').execute()).toEqual(
        stored.map(([id, status, lastObservedAt]) => ({
          finding_id: id,
          account_id: 'acct-1',
          last_observed_at: lastObservedAt,
          status,
          severity: 'HIGH',
          resource_type: 'HOST',
          fix_available: 'YES',
          exploit_available: 'NO',
          resource_id: 'res-1',
        })),
      );
      // The column left the findings row, and its sort index with it.
      await expect(sql`select last_observed_at from findings`.execute(db)).rejects.toThrow();

      const store = createKyselyStore(db, dialect);
      expect((await store.listFindingsForResource('res-1' as never)).map((f) => [f.id, f.lastObservedAt])).toEqual(stored.map(([id, , lastObservedAt]) => [id, lastObservedAt]));
      const everyStatus = { findingStatus: ['ACTIVE', 'CLOSED'].map((value) => ({ comparison: 'EQUALS' as const, value })) };
      const newestFirst = await store.searchFindings('acct-1' as never, { criteria: everyStatus, sort: { field: 'LAST_OBSERVED_AT', sortOrder: 'DESC' }, limit: 2 });
      expect(newestFirst.findings.map((f) => f.id)).toEqual(['fnd-3', 'fnd-1']);
      const rest = await store.searchFindings('acct-1' as never, { criteria: everyStatus, sort: { field: 'LAST_OBSERVED_AT', sortOrder: 'DESC' }, limit: 2, after: newestFirst.next! });
      expect(rest.findings.map((f) => f.id)).toEqual(['fnd-2']);
      const observedBefore = await store.searchFindings('acct-1' as never, {
        criteria: { ...everyStatus, lastObservedAt: [{ endInclusive: '2026-03-04T08:00:00.000Z' }] },
        sort: { field: 'SEVERITY', sortOrder: 'DESC' },
        limit: 10,
      });
      expect(observedBefore.findings.map((f) => f.id).sort()).toEqual(['fnd-1', 'fnd-2']);

      // A scan seeing them moves the open ones only.
      await store.observeFindings(['fnd-1', 'fnd-2'] as never, '2026-03-06T08:00:00.000Z');
      expect((await store.listFindingHeadsForResource({ id: 'res-1', accountId: 'acct-1', region: 'eu-west-1', type: 'HOST' } as never)).map((f) => [f.id, f.lastObservedAt])).toEqual([
        ['fnd-1', '2026-03-06T08:00:00.000Z'],
        ['fnd-2', '2026-03-02T08:00:00.000Z'],
        ['fnd-3', '2026-03-05T08:00:00.000Z'],
      ]);
      // Closing one: the status the sort's index holds follows, and the default (ACTIVE) search leaves it out.
      await store.closeFindings(['fnd-1'] as never, '2026-03-07T08:00:00.000Z');
      const active = await store.searchFindings('acct-1' as never, { criteria: {}, sort: { field: 'LAST_OBSERVED_AT', sortOrder: 'ASC' }, limit: 10 });
      expect(active.findings.map((f) => f.id)).toEqual(['fnd-3']);
      expect(await db.selectFrom('finding_observations').select(['finding_id', 'status']).orderBy('finding_id').execute()).toEqual([
        { finding_id: 'fnd-1', status: 'CLOSED' },
        { finding_id: 'fnd-2', status: 'CLOSED' },
        { finding_id: 'fnd-3', status: 'ACTIVE' },
      ]);
    } finally {
      await close();
    }
  });
});
