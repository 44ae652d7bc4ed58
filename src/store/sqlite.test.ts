import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from './contract.js';
import { isStoreError } from './errors.js';
import { openSqliteStore } from './sqlite.js';

runStoreContract('SQLite in memory', () => openSqliteStore(':memory:'), (store) => store.close());

const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A file shared by every test of the suite: what the embedded server runs on, WAL included.
runStoreContract('SQLite file', () => openSqliteStore(join(dir, 'state.db')), (store) => store.close());

describe('openSqliteStore', () => {
  it('says which file it could not open', async () => {
    const error = await openSqliteStore(join(dir, 'missing', 'state.db')).catch((e: unknown) => e);
    expect(isStoreError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(String(error)).toContain('missing');
  });
});

describe('the SQLite planner', () => {
  it('has statistics once a store is opened again: finding search plans depend on them', async () => {
    const path = join(dir, 'statistics.db');
    const store = await openSqliteStore(path);
    const account = await store.createAccount({ name: 'a', region: 'eu-west-1' });
    for (let i = 0; i < 20; i++) await store.createResource({ accountId: account.id, region: 'eu-west-1', name: `h${i}`, type: 'HOST', details: {}, tags: { env: `e${i % 3}` } });
    await store.close();
    await (await openSqliteStore(path)).close();
    const db = new Database(path, { readonly: true });
    const analysed = db.prepare('select distinct tbl from sqlite_stat1').all().map((row) => (row as { tbl: string }).tbl);
    db.close();
    expect(analysed).toEqual(expect.arrayContaining(['resources', 'resource_tags']));
  });
});

describe('the SQLite store beside another process', () => {
  it('waits for a transaction another process holds on the file, then reads what it committed', async () => {
    const path = join(dir, 'shared.db');
    const store = await openSqliteStore(path);
    const account = await store.createAccount({ name: 'a', region: 'eu-west-1' });
    const resource = await store.createResource({ accountId: account.id, region: 'eu-west-1', name: 'h', type: 'HOST', details: {} });
    // The other process: a raw connection that writes a newer inventory time and holds its lock a while.
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      db.exec('begin immediate');
      db.prepare('update resources set inventory_timestamp = ? where id = ?').run('2026-03-02T00:00:00.000Z', process.argv[2]);
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('commit'); db.close(); }, 300);`;
    const child = spawn(process.execPath, ['-e', script, path, resource.id], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout, 'data');
    const inventory = { target: { kind: 'directory' as const, name: 'x', path: '/' }, packages: [], warnings: [], catalogers: [], createdAt: '', tool: { name: 'vigil', version: 'test' } };
    const result = await store.transaction((tx) => tx.putInventory(resource.id, inventory, '2026-03-01T00:00:00.000Z'));
    expect(result).toEqual({ stored: false, reason: 'STALE', storedTimestamp: '2026-03-02T00:00:00.000Z' });
    await once(child, 'exit');
    await store.close();
  });
});
