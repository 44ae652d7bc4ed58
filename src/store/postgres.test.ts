/**
 * The store contract on the real PostgreSQL, in a database of this run's own, dropped at the
 * end. Skipped, saying why, only when no server answers at all; any other failure fails.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreContract } from './contract.js';
import { isStoreError } from './errors.js';
import { storeMigrations } from './migrations/index.js';
import { openPostgresStore } from './postgres.js';
import { adminUrl, postgresUnavailable, withClient } from '../../test/harness/postgres.js';

const reason = await postgresUnavailable();

if (reason) {
  console.warn(`PostgreSQL store tests skipped: cannot connect to ${adminUrl} (${reason}). Start PostgreSQL or set VIGIL_TEST_DATABASE_URL.`);
  describe('Store contract: PostgreSQL', () => {
    it.skip(`skipped: cannot connect to ${adminUrl} (${reason})`, () => {});
  });
} else {
  const database = `vigil_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const testUrl = url.toString();

  beforeAll(async () => {
    await withClient(adminUrl, (client) => client.query(`create database ${database}`));
  });
  afterAll(async () => {
    await withClient(adminUrl, (client) => client.query(`drop database if exists ${database} with (force)`));
  });

  runStoreContract('PostgreSQL', () => openPostgresStore(testUrl), (store) => store.close());

  describe('openPostgresStore', () => {
    it('migrates once when several processes open one database together', async () => {
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(testUrl)));
      const applied = await withClient(testUrl, (client) => client.query<{ name: string }>('select name from store_migrations order by name'));
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(storeMigrations).sort());
      await Promise.all(stores.map((s) => s.close()));
    });

    it('compresses inventories and finding bodies with LZ4 when the server has it, and reads them back', async () => {
      const store = await openPostgresStore(testUrl);
      try {
        const methods = await withClient(testUrl, async (client) => {
          const lz4 = (await client.query<{ lz4: boolean }>(`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`)).rows[0]!.lz4;
          const columns = await client.query<{ attname: string; attcompression: string }>(
            `select attname, attcompression from pg_attribute where (attrelid, attname) in (('inventories'::regclass, 'inventory'), ('finding_bodies'::regclass, 'finding')) order by attname`,
          );
          return { lz4, columns: columns.rows.map((row) => [row.attname, row.attcompression]) };
        });
        expect(methods.columns).toEqual(methods.lz4 ? [['finding', 'l'], ['inventory', 'l']] : [['finding', ''], ['inventory', '']]);
        const account = await store.createAccount({ name: 'lz4', region: 'eu-west-1' });
        const resource = await store.createResource({ accountId: account.id, region: 'eu-west-1', name: 'big', type: 'HOST', details: { platform: 'linux' } });
        // Long enough to be compressed: a thousand packages.
        const packages = Array.from({ length: 1000 }, (_, i) => ({ name: `p${i}`, version: '1.0.0', type: 'npm' as const, ecosystem: 'npm', purl: `pkg:npm/p${i}@1.0.0`, locations: [{ path: '/srv/package-lock.json' }], foundBy: 'npm-lockfile' }));
        const inventory = { target: { kind: 'directory' as const, name: 'srv', path: '/srv' }, packages, warnings: [], catalogers: [], createdAt: '2026-01-01T00:00:00.000Z', tool: { name: 'vigil', version: 'test' } };
        await store.putInventory(resource.id, inventory, '2026-01-01T00:00:00.000Z');
        expect((await store.getInventory(resource.id))?.inventory).toEqual(inventory);
        const stored = await withClient(testUrl, (client) => client.query<{ method: string | null }>('select pg_column_compression(inventory) as method from inventories where resource_id = $1', [resource.id]));
        expect(stored.rows[0]!.method).toBe(methods.lz4 ? 'lz4' : 'pglz');
      } finally {
        await store.close();
      }
    });

    it('says which server it could not reach, without the password', async () => {
      const bad = new URL(adminUrl);
      bad.pathname = `/${database}_missing`;
      bad.password = 'secret';
      bad.username = bad.username || 'postgres';
      const error = await openPostgresStore(bad.toString()).catch((e: unknown) => e);
      expect(isStoreError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(String(error)).toContain(`${database}_missing`);
      expect(String(error)).not.toContain('secret');
    });
  });
}
