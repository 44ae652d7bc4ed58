import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Commits about 2 MB (some 500 pages, under the 1,000 at which a commit checkpoints by itself). */
async function writeTwoMegabytes(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<void> {
  await store.transaction(async (tx) => {
    for (let i = 0; i < 20; i++) await tx.putSetting(`bulk.${i}`, `${i}`.padEnd(100_000, 'x'));
  });
}

describe('SQLite checkpoints in the background', () => {
  it('moves committed pages into the database file off the committing thread, and stops with the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-checkpoint-'));
    const path = join(dir, 'vigil.sqlite');
    const store = await openSqliteStore(path, { checkpointInBackground: true });
    const before = statSync(path).size;
    await writeTwoMegabytes(store);
    // The log holds the pages until the worker copies them over.
    let size = statSync(path).size;
    for (let waited = 0; size < before + 2_000_000 && waited < 10_000; waited += 50) {
      await sleep(50);
      size = statSync(path).size;
    }
    expect(size).toBeGreaterThanOrEqual(before + 2_000_000);
    expect(await store.getSetting('bulk.19')).toHaveLength(100_000);
    await store.close();
  });

  it('leaves checkpoints to commits when not asked (a short-lived command)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-checkpoint-'));
    const path = join(dir, 'vigil.sqlite');
    const store = await openSqliteStore(path);
    const before = statSync(path).size;
    await writeTwoMegabytes(store);
    await sleep(1_000);
    // Under 1,000 pages: no commit checkpointed, and no worker did.
    expect(statSync(path).size).toBeLessThan(before + 2_000_000);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(2_000_000);
    await store.close();
  });
});
