// The findings benchmarks' data: 10,000 resources and any number of findings (1,000,000 by
// default) in one account, with realistic proportions (severities, statuses, scores and EPSS with
// NULLs, a quarter of CVEs from 2024, tags env and team, images with layers, functions with
// runtimes), made deterministically and written straight into the store's tables: rows made by
// the store's own findingToRows, in large batches, with the findings' secondary indexes dropped and
// then rebuilt as the migrations define them (through the reconciler, 1,000,000 findings would
// take hours). For SQLite the file is kept under .cache/ and reused while the schema and the
// recipe are unchanged; for PostgreSQL a database of the caller's own is made, to be dropped.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { prng } from './prng.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const { openSqliteStore, openPostgresStore } = await import(join(repo, 'dist/store/index.js'));
const { findingToRows, resourceDetailColumns } = await import(join(repo, 'dist/store/rows.js'));

/** The account every generated resource and finding belongs to. */
export const ACCOUNT = 'acct-bench';
export const RESOURCES = 10_000;
/** Changes whenever the generated data changes, so a cached file is never stale. */
const RECIPE = 1;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;

// ── The data: deterministic, with realistic proportions ─────────────────────────────────────

/** Picks from [value, weight] pairs. */
function weighted(random, table) {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [value, w] of table) if ((r -= w) < 0) return value;
  return table.at(-1)[0];
}

const SEVERITY_SHARE = [['CRITICAL', 5], ['HIGH', 20], ['MEDIUM', 45], ['LOW', 25], ['INFORMATIONAL', 3], ['UNTRIAGED', 2]];
const SCORE_RANGE = { CRITICAL: [9, 10], HIGH: [7, 8.9], MEDIUM: [4, 6.9], LOW: [0.1, 3.9], INFORMATIONAL: [0, 0], UNTRIAGED: null };
const ECOSYSTEMS = [['npm', 'npm', 30], ['PyPI', 'pypi', 15], ['Go', 'golang', 10], ['Maven', 'maven', 10], ['Debian:12', 'deb', 20], ['Rocky Linux:9', 'rpm', 10], ['Alpine:v3.20', 'apk', 5]];
const ENVIRONMENTS = ['prod', 'staging', 'dev'];

/** 20,011 vulnerabilities: CVEs of 2014–2025 (a quarter from 2024), one in ten a GHSA. */
const VULNERABILITIES = (() => {
  const random = prng(7);
  const ids = [];
  for (let i = 0; i < 20_011; i++) {
    if (i % 10 === 9) ids.push(`GHSA-${i.toString(36).padStart(4, 'x')}-bench-${(i * 31).toString(36)}`);
    else {
      const year = random() < 0.28 ? 2024 : 2014 + Math.floor(random() * 12);
      ids.push(`CVE-${year}-${10000 + i}`);
    }
  }
  return ids;
})();

/** 3,001 packages over the ecosystems; each vulnerability affects one of them. */
const PACKAGES = (() => {
  const random = prng(11);
  return Array.from({ length: 3001 }, (_, i) => {
    const [ecosystem, type] = weighted(random, ECOSYSTEMS.map(([e, t, w]) => [[e, t], w]));
    return { ecosystem, type, name: `${type === 'golang' ? 'example.com/mod/' : ''}pkg${i}` };
  });
})();

function resourceRow(i) {
  const random = prng(1000 + i);
  const type = weighted(random, [['HOST', 30], ['CONTAINER_IMAGE', 60], ['FUNCTION', 10]]);
  const spec =
    type === 'HOST'
      ? { type, details: { platform: 'linux' } }
      : type === 'CONTAINER_IMAGE'
        ? { type, details: { repository: `registry.local/team${i % 50}/app${i % 400}`, tags: ['latest'], digest: `sha256:${i.toString(16).padStart(64, '0')}` } }
        : { type, details: { runtime: ['nodejs20.x', 'python3.12', 'java21'][i % 3], layers: [] } };
  const tags = { env: ENVIRONMENTS[i % 3], team: `team${i % 20}` };
  return {
    id: `res-bench-${String(i).padStart(6, '0')}`,
    account_id: ACCOUNT,
    region: i % 5 === 0 ? 'us-east-1' : 'eu-west-1',
    type,
    name: `resource-${i}`,
    tags: JSON.stringify(tags),
    details: JSON.stringify(spec.details),
    created_at: new Date(NOW - 400 * DAY).toISOString(),
    deleted_at: null,
    last_scanned_at: new Date(NOW - DAY).toISOString(),
    inventory_timestamp: new Date(NOW - DAY).toISOString(),
    ...resourceDetailColumns(spec),
    tagRows: Object.entries(tags).map(([key, value]) => ({ resource_id: `res-bench-${String(i).padStart(6, '0')}`, key, value })),
  };
}

/** Findings per resource, `findings` in all: images hold more than hosts, functions fewer. */
function findingCounts(resources, findings) {
  const weights = resources.map((r) => (r.type === 'CONTAINER_IMAGE' ? 1.15 : r.type === 'HOST' ? 0.9 : 0.4));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((findings * w) / total));
  let missing = findings - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0; i++, missing--) counts[i % counts.length]++;
  return counts;
}

/** The finding rows of one resource, each with its body's and its observation's rows, as the store's findingToRows writes them. */
function findingRowsOf(resource, resourceIndex, count) {
  const random = prng(50_000 + resourceIndex);
  const out = [];
  for (let j = 0; j < count; j++) {
    const v = (resourceIndex * 7919 + j * 104_729) % VULNERABILITIES.length;
    const vulnerabilityId = VULNERABILITIES[v];
    const pkg = PACKAGES[v % PACKAGES.length];
    const severity = weighted(random, SEVERITY_SHARE);
    const range = SCORE_RANGE[severity];
    const score = range ? Math.round((range[0] + random() * (range[1] - range[0])) * 10) / 10 : null;
    const exploit = random() < 0.05 ? 'YES' : 'NO';
    const vigil = score === null || random() < 0.05 ? null : Math.min(10, Math.round((score + (exploit === 'YES' ? 1 : 0)) * 10) / 10);
    const epss = random() < 0.2 ? null : Math.round(random() ** 4 * 1e5) / 1e5;
    const status = weighted(random, [['ACTIVE', 75], ['CLOSED', 20], ['SUPPRESSED', 5]]);
    const first = NOW - Math.floor(random() * 365 * DAY);
    const last = Math.min(NOW, first + Math.floor(random() * 60 * DAY));
    const closed = status === 'CLOSED' ? last + DAY : null;
    const version = pkg.type === 'rpm' ? `1:${j % 9}.${j % 7}.${j % 5}-${j % 30}.el9` : pkg.type === 'deb' ? `${j % 9}.${j % 7}-${j % 4}+deb12u1` : `${j % 9}.${j % 7}.${j % 5}`;
    const layer = resource.type === 'CONTAINER_IMAGE' ? { index: j % 6, digest: `sha256:${((resourceIndex % 400) * 6 + (j % 6)).toString(16).padStart(64, '0')}` } : undefined;
    const finding = {
      vulnerabilityId,
      aliases: vulnerabilityId.startsWith('GHSA') ? [] : [`GHSA-${v.toString(36)}-xxxx-yyyy`],
      title: `${vulnerabilityId} in ${pkg.name}`,
      severity,
      score,
      scoreSource: score === null ? 'none' : 'nvd:CVSS_V3.1',
      cvss: score === null ? [] : [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: score, source: 'nvd' }],
      epss: epss === null ? null : { score: epss, percentile: Math.min(1, epss * 3) },
      kev: exploit === 'YES' ? { dateAdded: '2024-05-01', dueDate: '2024-05-22', knownRansomwareCampaignUse: 'Unknown' } : null,
      exploitAvailable: exploit,
      fixAvailable: weighted(random, [['YES', 60], ['NO', 30], ['PARTIAL', 10]]),
      fixedInVersion: '99.0.0',
      remediation: null,
      package: {
        ecosystem: pkg.ecosystem,
        name: pkg.name,
        version,
        purl: `pkg:${pkg.type}/${pkg.name}@${version}${pkg.type === 'rpm' ? '?arch=x86_64' : ''}`,
        type: pkg.type,
        locations: [{ path: pkg.type === 'deb' ? '/var/lib/dpkg/status' : pkg.type === 'rpm' ? '/var/lib/rpm/rpmdb.sqlite' : `/app/${pkg.type}.lock`, ...(layer ? { layer } : {}) }],
      },
      references: [`https://nvd.nist.gov/vuln/detail/${vulnerabilityId}`],
      evidence: [{ advisoryId: vulnerabilityId, ecosystem: pkg.ecosystem, name: pkg.name, version, range: 'introduced 0, fixed 99.0.0' }],
    };
    out.push(
      findingToRows({
        id: `fnd-bench-${String(resourceIndex).padStart(6, '0')}-${String(j).padStart(4, '0')}`,
        accountId: ACCOUNT,
        region: resource.region,
        resourceId: resource.id,
        resourceType: resource.type,
        firstObservedAt: new Date(first).toISOString(),
        lastObservedAt: new Date(last).toISOString(),
        updatedAt: new Date(closed ?? last).toISOString(),
        vigilScore: vigil === null ? null : { score: vigil, adjustments: exploit === 'YES' ? [{ metric: 'exploit', reason: 'in CISA KEV' }] : [] },
        finding,
        status,
        closedAt: closed === null ? null : new Date(closed).toISOString(),
      }),
    );
  }
  return out;
}

/** Every finding row, resource by resource, in batches of about `size`. */
function* findingBatches(resources, findings, size) {
  const counts = findingCounts(resources, findings);
  let batch = [];
  for (const [i, resource] of resources.entries()) {
    batch.push(...findingRowsOf(resource, i, counts[i]));
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// ── Loading ─────────────────────────────────────────────────────────────────────────────────

/** What a cached file must match: the data recipe and size, and the schema the migrations make today. */
async function schemaFingerprint(findings) {
  const probe = join(repo, `.cache/bench-findings-search/schema-${process.pid}.sqlite`);
  mkdirSync(dirname(probe), { recursive: true });
  const migrated = await openSqliteStore(probe);
  await migrated.close();
  const db = new Database(probe, { readonly: true });
  const schema = db.prepare('select type, name, sql from sqlite_master order by name').all();
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(probe + suffix, { force: true });
  return createHash('sha256').update(JSON.stringify({ recipe: RECIPE, findings, schema })).digest('hex');
}

async function loadSqlite(path, findings, fingerprint) {
  const store = await openSqliteStore(path); // migrates
  await store.createAccount({ id: ACCOUNT, name: 'bench', region: 'eu-west-1' });
  await store.close();
  const db = new Database(path);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const resources = Array.from({ length: RESOURCES }, (_, i) => resourceRow(i));
  const insertResource = db.prepare(
    'insert into resources (id, account_id, region, type, name, tags, details, created_at, deleted_at, last_scanned_at, inventory_timestamp, repository, runtime) values (@id, @account_id, @region, @type, @name, @tags, @details, @created_at, @deleted_at, @last_scanned_at, @inventory_timestamp, @repository, @runtime)',
  );
  const insertTag = db.prepare('insert into resource_tags (resource_id, key, value) values (@resource_id, @key, @value)');
  db.transaction(() => {
    for (const r of resources) {
      insertResource.run(r);
      for (const t of r.tagRows) insertTag.run(t);
    }
  })();
  const indexes = db.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name in ('findings', 'finding_observations') and sql is not null").all();
  for (const { name } of indexes) db.exec(`drop index ${name}`);
  let insert;
  const insertBody = db.prepare('insert into finding_bodies (finding_id, finding) values (@finding_id, @finding)');
  let insertObservation;
  let count = 0;
  for (const batch of findingBatches(resources, findings, 50_000)) {
    const insertInto = (table, row) => db.prepare(`insert into ${table} (${Object.keys(row).join(', ')}) values (${Object.keys(row).map((c) => `@${c}`).join(', ')})`);
    insert ??= insertInto('findings', batch[0].row);
    insertObservation ??= insertInto('finding_observations', batch[0].observation);
    db.transaction(() => {
      for (const { row, body, observation } of batch) {
        insert.run(row);
        insertBody.run(body);
        insertObservation.run(observation);
      }
    })();
    count += batch.length;
  }
  for (const { sql } of indexes) db.exec(sql);
  db.exec('analyze');
  db.prepare("insert into settings (key, value, updated_at) values ('bench.fingerprint', ?, ?)").run(fingerprint, new Date().toISOString());
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return count;
}

const PG_TYPES = { double: 'double precision', integer: 'integer' };
const columnType = (column) =>
  ['score', 'epss_score', 'vigil_score'].includes(column) ? PG_TYPES.double : ['package_epoch', 'severity_rank'].includes(column) ? PG_TYPES.integer : 'text';

async function loadPostgres(url, findings, log) {
  const store = await openPostgresStore(url); // migrates
  await store.createAccount({ id: ACCOUNT, name: 'bench', region: 'eu-west-1' });
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const resources = Array.from({ length: RESOURCES }, (_, i) => resourceRow(i));
    const resourceColumns = ['id', 'account_id', 'region', 'type', 'name', 'tags', 'details', 'created_at', 'deleted_at', 'last_scanned_at', 'inventory_timestamp', 'repository', 'runtime'];
    await client.query(
      `insert into resources (${resourceColumns.join(', ')}) select * from unnest(${resourceColumns.map((_, i) => `$${i + 1}::text[]`).join(', ')})`,
      resourceColumns.map((c) => resources.map((r) => r[c])),
    );
    const tags = resources.flatMap((r) => r.tagRows);
    await client.query('insert into resource_tags (resource_id, key, value) select * from unnest($1::text[], $2::text[], $3::text[])', [tags.map((t) => t.resource_id), tags.map((t) => t.key), tags.map((t) => t.value)]);

    const { rows: indexes } = await client.query("select indexname, indexdef from pg_indexes where tablename in ('findings', 'finding_observations') and indexname not like '%_pkey'");
    for (const { indexname } of indexes) await client.query(`drop index ${indexname}`);
    // The rows are made to satisfy the foreign keys; skipping their per-row checks halves the load.
    await client.query('set session_replication_role = replica').catch(() => {});
    await client.query('set synchronous_commit = off');
    let count = 0;
    let inserting = Promise.resolve();
    const started = performance.now();
    let waited = 0;
    // The next batch is made while the server stores the previous one.
    for (const batch of findingBatches(resources, findings, 10_000)) {
      const wait = performance.now();
      await inserting;
      waited += performance.now() - wait;
      const columns = Object.keys(batch[0].row);
      // One JSON document per batch: JSON.stringify is native, where the driver's array literals are not.
      inserting = client
        .query(
          `insert into findings (${columns.join(', ')}) select ${columns.join(', ')} from json_to_recordset($1::json) as r(${columns.map((c) => `${c} ${columnType(c)}`).join(', ')})`,
          [JSON.stringify(batch.map((b) => b.row))],
        )
        .then(() => client.query('insert into finding_bodies (finding_id, finding) select finding_id, finding from json_to_recordset($1::json) as r(finding_id text, finding text)', [JSON.stringify(batch.map((b) => b.body))]))
        .then(() => {
          const observed = Object.keys(batch[0].observation);
          return client.query(
            `insert into finding_observations (${observed.join(', ')}) select ${observed.join(', ')} from json_to_recordset($1::json) as r(${observed.map((c) => `${c} text`).join(', ')})`,
            [JSON.stringify(batch.map((b) => b.observation))],
          );
        });
      count += batch.length;
    }
    await inserting;
    await client.query('set session_replication_role = default').catch(() => {});
    const indexing = performance.now();
    log(`rows stored in ${((indexing - started) / 1000).toFixed(1)} s (${(waited / 1000).toFixed(1)} s of it waiting for the server)`);
    await client.query("set maintenance_work_mem = '512MB'");
    for (const { indexdef } of indexes) await client.query(indexdef);
    log(`indexes built in ${((performance.now() - indexing) / 1000).toFixed(1)} s`);
    await client.query('vacuum analyze findings');
    await client.query('vacuum analyze finding_observations');
    await client.query('analyze resources');
    await client.query('analyze resource_tags');
    return count;
  } finally {
    await client.end();
  }
}

// ── The two entry points ────────────────────────────────────────────────────────────────────

/**
 * The path of a SQLite store holding `findings` generated findings, made (and cached under
 * .cache/bench-findings-search/) when missing or stale; `loadMs` is null when it was cached.
 */
export async function sqliteFindingsStore(findings) {
  const dir = join(repo, '.cache/bench-findings-search');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `findings-${findings}.sqlite`);
  const fingerprint = await schemaFingerprint(findings);
  if (existsSync(path)) {
    try {
      const db = new Database(path, { readonly: true });
      const cached = db.prepare("select value from settings where key = 'bench.fingerprint'").get()?.value === fingerprint;
      db.close();
      if (cached) return { path, loadMs: null };
    } catch {
      // Not a usable file: made again below.
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const building = join(dir, `building-${process.pid}.sqlite`);
  const start = performance.now();
  await loadSqlite(building, findings, fingerprint);
  const loadMs = performance.now() - start;
  for (const suffix of ['-wal', '-shm']) rmSync(building + suffix, { force: true });
  renameSync(building, path);
  return { path, loadMs };
}

/**
 * A new PostgreSQL database (beside `adminUrl`'s) holding `findings` generated findings: its URL,
 * the load time, and `drop()`, which the caller must call (BENCH_KEEP keeps it, and says so).
 */
export async function postgresFindingsDatabase(adminUrl, findings, log = () => {}) {
  const database = `vigil_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const drop = async () => {
    try {
      if (process.env.BENCH_KEEP) log(`kept the PostgreSQL database ${database}`);
      else await admin.query(`drop database if exists ${database} with (force)`);
    } finally {
      await admin.end();
    }
  };
  try {
    await admin.query(`create database ${database}`);
    const start = performance.now();
    const stored = await loadPostgres(url.toString(), findings, log);
    return { url: url.toString(), loadMs: performance.now() - start, stored, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}
