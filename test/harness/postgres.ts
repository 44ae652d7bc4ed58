/**
 * Databases of their own on the real PostgreSQL for tests: made on demand, dropped when the test
 * file is done. The server comes from VIGIL_TEST_DATABASE_URL (default the local one, trust auth).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const adminUrl = process.env.VIGIL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Why PostgreSQL cannot be used, or undefined when it can. Under CI it must be there (.ci/run
 * starts it), so an unreachable server there is an error, never a skip.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await withClient(adminUrl, (client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL at ${adminUrl} is required under CI: ${(error as Error).message}`);
    return `cannot connect to ${adminUrl}: ${(error as Error).message}`;
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'run'): Promise<TestDatabase> {
  const name = `vigil_test_${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined) };
}
