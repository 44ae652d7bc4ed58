import { sql, type Kysely } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { databaseMigratedBefore } from '../../../test/harness/migrations.js';
import { createKyselyStore } from '../kysely-store.js';
import { migrateToLatest } from './index.js';

describe('0003-finding-search', () => {
  it('fills the new columns and tag rows of what was stored before it', async () => {
    const { db, close } = await databaseMigratedBefore('sqlite', '0003');
    onTestFinished(close);
    const t = '2026-03-01T10:00:00.000Z';
    await sql`insert into accounts (id, name, region, created_at) values ('acct-1', 'a', 'eu-west-1', ${t})`.execute(db);
    await sql`insert into resources (id, account_id, region, type, name, tags, details, created_at)
      values ('res-1', 'acct-1', 'eu-west-1', 'CONTAINER_IMAGE', 'img', ${JSON.stringify({ env: 'prod', team: '' })}, ${JSON.stringify({ repository: 'registry.local/app', tags: [] })}, ${t})`.execute(db);
    const finding = {
      vulnerabilityId: 'CVE-2024-1',
      aliases: [],
      title: 'Overflow',
      severity: 'CRITICAL',
      score: 9.8,
      scoreSource: 'nvd',
      cvss: [],
      epss: null,
      kev: null,
      exploitAvailable: 'NO',
      fixAvailable: 'YES',
      fixedInVersion: null,
      remediation: null,
      package: { ecosystem: 'Rocky Linux:9', name: 'openssl', version: '1:3.0.7-25.el9', purl: 'pkg:rpm/rocky/openssl@3.0.7-25.el9?arch=x86_64&epoch=1', type: 'rpm', locations: [{ path: '/var/lib/rpm', layer: { index: 0, digest: 'sha256:L1' } }] },
      references: [],
      evidence: [],
    };
    await sql`insert into findings (id, account_id, region, resource_id, resource_type, type, vulnerability_id, package_ecosystem, package_name, file_path, status,
        first_observed_at, last_observed_at, updated_at, closed_at, severity, score, epss_score, fix_available, exploit_available, vigil_score, score_adjustments, finding)
      values ('fnd-1', 'acct-1', 'eu-west-1', 'res-1', 'CONTAINER_IMAGE', 'PACKAGE_VULNERABILITY', 'CVE-2024-1', 'Rocky Linux:9', 'openssl', '/var/lib/rpm', 'ACTIVE',
        ${t}, ${t}, ${t}, null, 'CRITICAL', 9.8, null, 'YES', 'NO', 9.8, '[]', ${JSON.stringify(finding)})`.execute(db);

    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    expect(await db.selectFrom('findings').select(['title', 'package_raw_name', 'package_version', 'package_epoch', 'package_release', 'package_arch', 'layer_digest', 'severity_rank']).execute()).toEqual([
      { title: 'Overflow', package_raw_name: 'openssl', package_version: '1:3.0.7-25.el9', package_epoch: 1, package_release: '25.el9', package_arch: 'x86_64', layer_digest: 'sha256:L1', severity_rank: 5 },
    ]);
    expect(await db.selectFrom('resources').select(['repository', 'runtime']).execute()).toEqual([{ repository: 'registry.local/app', runtime: null }]);
    expect(await db.selectFrom('resource_tags').selectAll().orderBy('key').execute()).toEqual([
      { resource_id: 'res-1', key: 'env', value: 'prod' },
      { resource_id: 'res-1', key: 'team', value: '' },
    ]);
    const store = createKyselyStore(db, 'sqlite');
    const page = await store.searchFindings('acct-1' as never, {
      criteria: { resourceTags: [{ comparison: 'EQUALS', key: 'team', value: '' }], vulnerablePackages: [{ release: { comparison: 'PREFIX', value: '25.' } }] },
      sort: { field: 'SEVERITY', sortOrder: 'DESC' },
      limit: 10,
    });
    expect(page.findings.map((f) => f.id)).toEqual(['fnd-1']);
    await store.close();
  });
});
