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
