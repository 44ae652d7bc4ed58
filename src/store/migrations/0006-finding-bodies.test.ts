import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseMigratedBefore } from '../../../test/harness/migrations.js';
import { postgresUnavailable } from '../../../test/harness/postgres.js';
import { bodyDigest } from '../../findings/body-digest.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest, type DialectName } from './index.js';

const pgSkip = await postgresUnavailable();
const dialects: Array<[DialectName, boolean]> = [
  ['sqlite', false],
  ['postgres', pgSkip !== undefined],
];

function finding(vulnerabilityId: string) {
  return {
    vulnerabilityId,
    aliases: [],
    title: 'Prototype pollution',
    severity: 'HIGH',
    score: 7.2,
    scoreSource: 'nvd',
    cvss: [],
    epss: null,
    kev: null,
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    fixedInVersion: '4.17.21',
    remediation: 'npm install lodash@4.17.21',
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', type: 'npm', locations: [{ path: '/app/package-lock.json' }] },
    references: [],
  };
}

describe.each(dialects)('0006-finding-bodies on %s', (dialect, skip) => {
  it.skipIf(skip)('moves the bodies of what was stored before it to their table, with their digests', async () => {
    const { db, close } = await databaseMigratedBefore(dialect, '0006');
    try {
      const t = '2026-03-01T10:00:00.000Z';
      await sql`insert into accounts (id, name, region, created_at) values ('acct-1', 'a', 'eu-west-1', ${t})`.execute(db);
      await sql`insert into resources (id, account_id, region, type, name, tags, details, created_at) values ('res-1', 'acct-1', 'eu-west-1', 'HOST', 'h', '{}', '{}', ${t})`.execute(db);
      const bodies = new Map([
        ['fnd-1', JSON.stringify(finding('CVE-2021-23337'))],
        ['fnd-2', JSON.stringify(finding('CVE-2020-8203'))],
      ]);
      for (const [id, body] of bodies) {
        const { vulnerabilityId } = JSON.parse(body) as { vulnerabilityId: string };
        await sql`insert into findings (id, account_id, region, resource_id, resource_type, type, vulnerability_id, package_ecosystem, package_name, file_path, status,
            first_observed_at, last_observed_at, updated_at, closed_at, severity, score, epss_score, fix_available, exploit_available, vigil_score, score_adjustments, finding,
            title, package_raw_name, package_version, package_epoch, severity_rank)
          values (${id}, 'acct-1', 'eu-west-1', 'res-1', 'HOST', 'PACKAGE_VULNERABILITY', ${vulnerabilityId}, 'npm', 'lodash', '/app/package-lock.json', ${id === 'fnd-1' ? 'ACTIVE' : 'SUPPRESSED'},
            ${t}, ${t}, ${t}, null, 'HIGH', 7.2, null, 'YES', 'NO', 7.2, '[]', ${body}, 'Prototype pollution', 'lodash', '4.17.20', 0, 3)`.execute(db);
      }

      await migrateToLatest(db as Kysely<unknown>, dialect);
      // The bodies, byte for byte, and the digest of each.
      expect(await db.selectFrom('finding_bodies').selectAll().orderBy('finding_id').execute()).toEqual([...bodies].map(([finding_id, finding]) => ({ finding_id, finding })));
      expect(await db.selectFrom('findings').select(['id', 'body_digest', 'suppressed_by']).orderBy('id').execute()).toEqual(
        [...bodies].map(([id, body]) => ({ id, body_digest: bodyDigest(body), suppressed_by: '[]' })),
      );
      const store = createKyselyStore(db, dialect);
      const stored = await store.listFindingsForResource('res-1' as never);
      expect(stored.map((f) => [f.id, f.status, f.finding])).toEqual([...bodies].map(([id, body], i) => [id, i === 0 ? 'ACTIVE' : 'SUPPRESSED', JSON.parse(body)]));
    } finally {
      await close();
    }
  });
});
