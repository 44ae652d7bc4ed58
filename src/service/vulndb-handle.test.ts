import { renameSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { importInto, osv, replaceWithFreshDatabase, vulnDbFolder } from '../../test/harness/vulndb-imports.js';
import { isVigilError } from '../errors.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { isSuperseded, openVulnDbHandle, type FollowedVulnDb, type VulnDbHandleOptions } from './vulndb-handle.js';
import { vulnDbIdentityOf } from './vulndb-identity.js';

const log = pino({ level: 'silent' });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const lodashAdvisory = (id: string) => osv(id, [{ ecosystem: 'npm', name: 'lodash', fixed: '4.17.21' }]);

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function follow(path: string, options: Partial<VulnDbHandleOptions> = {}): Promise<{ handle: FollowedVulnDb; swaps: VulnDbReader[] }> {
  // A poll far too slow to matter, unless a test asks for it: what is noticed is fs.watch's doing.
  const handle = await openVulnDbHandle(path, { log, pollIntervalMs: 60_000, ...options });
  cleanups.push(() => handle.close());
  const swaps: VulnDbReader[] = [];
  handle.onSwap((reader) => swaps.push(reader));
  return { handle, swaps };
}

function folder(): string {
  const made = vulnDbFolder();
  cleanups.push(() => made.dispose());
  return made.path;
}

describe('openVulnDbHandle', () => {
  it('has no reader until a database appears, then opens it and says so', async () => {
    const path = folder();
    const { handle, swaps } = await follow(path);
    let thrown: unknown;
    try {
      handle.current();
    } catch (error) {
      thrown = error;
    }
    expect(isVigilError(thrown) && thrown.code).toBe('VULNDB_MISSING');

    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    await waitFor(() => swaps.length === 1, 'the first database');
    expect(handle.current()).toBe(swaps[0]);
    expect(handle.current().advisory('GHSA-1')?.id).toBe('GHSA-1');
    expect(handle.identity()).toEqual({ databaseId: expect.any(String), importSeq: 1 });
  });

  it('follows a newer import renamed over the file, and closes the old reader after the grace period', async () => {
    const path = folder();
    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    const { handle, swaps } = await follow(path, { closeGraceMs: 100 });
    const old = handle.current();
    const before = handle.identity()!;

    importInto(path, { advisories: [lodashAdvisory('GHSA-2')] });
    await waitFor(() => swaps.length === 1, 'the swap');
    const now = handle.current();
    expect(now).toBe(swaps[0]);
    expect(now).not.toBe(old);
    expect(now.advisory('GHSA-2')?.id).toBe('GHSA-2');
    // The same database, one import further.
    expect(handle.identity()).toEqual({ databaseId: before.databaseId, importSeq: before.importSeq + 1 });
    expect(vulnDbIdentityOf(now)).toEqual(handle.identity());

    // The old reader is superseded at once, still readable for a while, then closed.
    expect(isSuperseded(old)).toBe(true);
    expect(isSuperseded(now)).toBe(false);
    expect(old.advisory('GHSA-2')).toBeUndefined();
    await waitFor(() => {
      try {
        old.changesSince(0);
        return false;
      } catch {
        return true;
      }
    }, 'the old reader to be closed');
    expect(now.changesSince(1).map((c) => c.name)).toEqual(['lodash']);
  });

  it('notices a swap by polling when no watch event comes', async () => {
    const path = folder();
    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    const { handle, swaps } = await follow(path, { watch: false, pollIntervalMs: 20 });
    importInto(path, { advisories: [lodashAdvisory('GHSA-2')] });
    await waitFor(() => swaps.length === 1, 'the poll to notice');
    expect(handle.current().advisory('GHSA-2')?.id).toBe('GHSA-2');
  });

  it('tells another database from a newer import of the same one', async () => {
    const path = folder();
    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    const { handle, swaps } = await follow(path);
    const first = handle.identity()!;
    replaceWithFreshDatabase(path, { advisories: [lodashAdvisory('GHSA-9')] });
    await waitFor(() => swaps.length === 1, 'the swap');
    expect(handle.identity()!.databaseId).not.toBe(first.databaseId);
    expect(handle.identity()!.importSeq).toBe(1);
  });

  it('keeps the reader it has when the new file is not a database, and takes the next good one', async () => {
    const path = folder();
    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    const { handle, swaps } = await follow(path, { pollIntervalMs: 20 });
    const old = handle.current();
    writeFileSync(`${path}.junk`, 'not a database at all');
    renameSync(`${path}.junk`, path);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(swaps).toHaveLength(0);
    expect(handle.current()).toBe(old);
    expect(isSuperseded(old)).toBe(false);

    importInto(path, { advisories: [lodashAdvisory('GHSA-3')] }, { fresh: true });
    await waitFor(() => swaps.length === 1, 'the good file');
    expect(handle.current().advisory('GHSA-3')?.id).toBe('GHSA-3');
  });

  it('closes every reader on close', async () => {
    const path = folder();
    importInto(path, { advisories: [lodashAdvisory('GHSA-1')] });
    const { handle } = await follow(path);
    const reader = handle.current();
    await handle.close();
    expect(isSuperseded(reader)).toBe(true);
    expect(() => reader.changesSince(0)).toThrow();
    expect(() => handle.current()).toThrow(/no vulnerability database/);
  });
});
