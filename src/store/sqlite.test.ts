import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
